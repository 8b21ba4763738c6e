"""Payment reads: which payment an order goes by, and the bank-transfer details to show while it is unpaid."""

from __future__ import annotations

from django.conf import settings

from marketplace.orders.models import Order
from marketplace.payments import vietqr
from marketplace.payments.models import Payment
from marketplace.payments.services import BankTransfer, bank_transfer_details


def order_payment(order: Order) -> Payment | None:
    """The order's payment in its chosen gateway (the one for its total first, then the latest).

    Reads `order.payments.all()`, so a `prefetch_related("payments")` makes it free (orders_with_details does).
    """
    candidates = [p for p in order.payments.all() if p.gateway == order.payment_method]
    if not candidates:
        return None
    candidates.sort(key=lambda p: (p.amount == order.total, p.created_at, p.pk), reverse=True)
    return candidates[0]


def bank_transfer_for_order(order: Order, payment: Payment | None = None) -> BankTransfer | None:
    """The VietQR, note, amount and account for an unpaid, not cancelled bank-transfer order; else None.

    Uses the QR the buyer was shown at checkout when it is for the order's total; otherwise builds the same one
    again from the order (its total, its number as the note) and the configured account.
    """
    if (
        order.payment_method != Order.PaymentMethod.BANK_TRANSFER
        or order.payment_status != Order.PaymentStatus.UNPAID
        or order.status == Order.Status.CANCELED
    ):
        return None
    payment = payment or order_payment(order)
    if payment is not None and payment.qr_payload and payment.amount == order.total:
        return bank_transfer_details(payment)
    note = order.transfer_note
    qr = vietqr.payload(
        bin=settings.BANK_TRANSFER_BIN, account=settings.BANK_TRANSFER_ACCOUNT, amount=order.total, note=note
    )
    return bank_transfer_details(
        Payment(gateway=Payment.Gateway.BANK_TRANSFER, amount=order.total, transfer_note=note, qr_payload=qr)
    )
