"""Listeners for orders' signals: settlement follows the money; placed orders pick up their payments."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from marketplace.orders.signals import order_paid, order_placed, order_refunded
from marketplace.payments import services


@receiver(order_placed, dispatch_uid="payments.link_payments")
def _on_placed(sender: Any, order: Any, **kwargs: Any) -> None:
    services.link_payments_to_order(order=order)


@receiver(order_paid, dispatch_uid="payments.record_sale")
def _on_paid(sender: Any, order: Any, **kwargs: Any) -> None:
    services.record_sale(order=order)


@receiver(order_refunded, dispatch_uid="payments.reverse_sale")
def _on_refunded(sender: Any, order: Any, **kwargs: Any) -> None:
    services.reverse_sale(order=order)
