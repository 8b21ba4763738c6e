"""Signals for true decoupling: orders tell whoever listens (settlement, payments) that money moved.

The main path never hides behind them: `mark_order_paid` does its whole job and then announces it.
"""

from django.dispatch import Signal

order_placed = Signal()  # sender=Order, order=Order
order_paid = Signal()  # sender=Order, order=Order
order_refunded = Signal()  # sender=Order, order=Order, amount=int
