"""Payment writes: start a payment for a checkout (Stripe, COD, bank transfer), take the gateway's word
(webhooks), confirm bank receipts, refund, and keep the settlement ledger with producers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marketplace.checkout import services as checkout_services
from marketplace.checkout.models import Checkout
from marketplace.checkout.selectors import available_payment_gateways, summarize
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.money import percent_of
from marketplace.core.permissions import is_program_office
from marketplace.orders import services as order_services
from marketplace.orders.models import Order
from marketplace.payments import stripe_gateway, vietqr
from marketplace.payments.models import CommissionRate, LedgerEntry, Payment, ProcessedEvent, Refund
from marketplace.producers.permissions import producer_ids_for

GATEWAYS = {
    "STRIPE": Payment.Gateway.STRIPE,
    "COD": Payment.Gateway.COD,
    "BANK_TRANSFER": Payment.Gateway.BANK_TRANSFER,
}


@dataclass
class BankTransfer:
    qr_payload: str
    qr_svg_url: str
    amount: int
    note: str
    bank_bin: str
    account: str
    account_name: str


def bank_transfer_details(payment: Payment) -> BankTransfer | None:
    if payment.gateway != Payment.Gateway.BANK_TRANSFER:
        return None
    return BankTransfer(
        qr_payload=payment.qr_payload,
        qr_svg_url=vietqr.svg_data_uri(payment.qr_payload),
        amount=payment.amount,
        note=payment.transfer_note,
        bank_bin=settings.BANK_TRANSFER_BIN,
        account=settings.BANK_TRANSFER_ACCOUNT,
        account_name=settings.BANK_TRANSFER_ACCOUNT_NAME,
    )


def create_payment(*, checkout: Checkout, gateway: str) -> Payment:
    """Start paying for a checkout with STRIPE, COD or BANK_TRANSFER (names or lowercase values accepted).

    Stripe: one PaymentIntent per checkout and amount (idempotency key), its client secret for the browser.
    Bank transfer: a VietQR payload for the total with the (reserved) order number as the note.
    """
    method = GATEWAYS.get(gateway.upper()) if isinstance(gateway, str) else None
    if method is None:
        raise DomainError("INVALID", _("Cổng thanh toán không hợp lệ."), field="gateway")
    if checkout.order_id:
        raise DomainError("CHECKOUT_COMPLETED", _("Giỏ hàng này đã được đặt thành đơn."), field="id")
    if method.name not in available_payment_gateways():
        raise DomainError(
            "GATEWAY_NOT_CONFIGURED", _("Phương thức thanh toán này chưa được cấu hình."), field="gateway"
        )
    summary = summarize(checkout, check_stock=False, all_methods=False)
    if not summary.lines:
        raise DomainError("EMPTY", _("Giỏ hàng trống."), field="lines")
    if summary.delivery_method is None:
        raise DomainError(
            "DELIVERY_METHOD_REQUIRED", _("Hãy chọn phương thức giao hàng trước."), field="deliveryMethod"
        )
    amount = summary.total
    token = str(checkout.token)
    existing = Payment.objects.filter(checkout_token=token, gateway=method, amount=amount).first()
    if method == Payment.Gateway.STRIPE:
        if existing is None or not existing.client_secret:
            intent = stripe_gateway.create_payment_intent(
                amount=amount, checkout_token=token, email=checkout.email, idempotency_key=f"checkout-{token}-{amount}"
            )
            existing, _created = Payment.objects.update_or_create(
                psp_reference=intent.id,
                defaults={
                    "checkout_token": token,
                    "gateway": method,
                    "amount": amount,
                    "client_secret": intent.client_secret or "",
                },
            )
        payment = existing
    else:
        with transaction.atomic(savepoint=False):
            if method == Payment.Gateway.BANK_TRANSFER:
                number = checkout_services.reserve_order_number(checkout=checkout)
                note = number.replace("-", "")
                qr = vietqr.payload(
                    bin=settings.BANK_TRANSFER_BIN, account=settings.BANK_TRANSFER_ACCOUNT, amount=amount, note=note
                )
            else:
                note, qr = "", ""
            payment = existing or Payment.objects.create(
                checkout_token=token, gateway=method, amount=amount, transfer_note=note, qr_payload=qr
            )
            checkout_services.set_payment(checkout=checkout, method=str(method), amount=amount)
        return payment
    checkout_services.set_payment(checkout=checkout, method=str(method), amount=amount)
    return payment


# --- The gateway's word ---------------------------------------------------------------------------------


def _succeed(payment: Payment, amount: int, reference: str) -> None:
    """Payment row locked by the caller. Marks it succeeded and, when its order exists, the order paid."""
    if payment.status == Payment.Status.SUCCEEDED:
        return
    payment.status = Payment.Status.SUCCEEDED
    payment.save(update_fields=["status", "updated_at"])
    order = payment.order or Order.objects.filter(checkout_token=payment.checkout_token).first()
    if order is not None:
        if payment.order_id is None:
            payment.order = order
            payment.save(update_fields=["order", "updated_at"])
        try:
            with transaction.atomic():
                order_services.mark_order_paid(order=order, amount=amount, reference=reference)
        except DomainError as exc:
            order_services.log_event(order, "note", exc.message, data={"reference": reference, "amount": amount})


def handle_stripe_event(event: Any) -> bool:
    """Process a verified Stripe event once. Returns False for an event id seen before (replay/duplicate).

    Only `payment_intent.succeeded` marks money received; a late `payment_failed` cannot undo a success;
    `charge.refunded` (full) marks the order refunded, whoever started the refund.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            return False
        obj = event["data"]["object"]
        if event["type"] == "payment_intent.succeeded":
            payment = Payment.objects.select_for_update().filter(psp_reference=obj["id"]).first()
            if payment is None:
                return True  # not ours (another integration on the same account)
            received = int(obj.get("amount_received") or obj.get("amount") or 0)
            if obj.get("currency", "vnd").lower() != "vnd" or received < payment.amount:
                return True
            _succeed(payment, received, obj["id"])
        elif event["type"] == "charge.refunded" and obj.get("refunded"):
            # Refunded in full, possibly from the Stripe dashboard: the order and the ledger follow.
            payment = Payment.objects.select_for_update().filter(psp_reference=obj.get("payment_intent")).first()
            if payment is not None and payment.order_id and payment.status == Payment.Status.SUCCEEDED:
                payment.status = Payment.Status.REFUNDED
                payment.save(update_fields=["status", "updated_at"])
                order = payment.order
                if order.payment_status == Order.PaymentStatus.PAID:
                    order_services.record_refund(
                        order=order, amount=int(obj.get("amount_refunded") or 0), reference=obj["id"]
                    )
        elif event["type"] == "payment_intent.payment_failed":
            Payment.objects.filter(psp_reference=obj["id"], status=Payment.Status.PENDING).update(
                status=Payment.Status.FAILED
            )
    return True


def link_payments_to_order(*, order: Order) -> None:
    """An order was placed: attach its checkout's payments; a card payment that already succeeded pays it."""
    with transaction.atomic(savepoint=False):
        payments = list(
            Payment.objects.select_for_update().filter(
                checkout_token=order.checkout_token, gateway=order.payment_method
            )
        )
        for payment in payments:
            if payment.order_id is None:
                payment.order = order
                payment.save(update_fields=["order", "updated_at"])
            if payment.status == Payment.Status.SUCCEEDED and payment.amount >= order.total:
                try:
                    with transaction.atomic():
                        order_services.mark_order_paid(
                            order=order, amount=payment.amount, reference=payment.psp_reference or ""
                        )
                except DomainError:
                    pass


def delete_abandoned_checkouts(*, days: int | None = None) -> int:
    """Abandoned carts go (checkout.services.delete_abandoned_checkouts), except a cart whose card payment
    succeeded without an order yet: that one waits for someone to look at it."""
    paid = Payment.objects.filter(order__isnull=True, status=Payment.Status.SUCCEEDED).values_list(
        "checkout_token", flat=True
    )
    return checkout_services.delete_abandoned_checkouts(days=days, keep_tokens=list(paid))


# --- People confirming money ----------------------------------------------------------------------------


def can_confirm_for_order(user: Any, order: Order) -> bool:
    if is_program_office(user):
        return True
    mine = producer_ids_for(user)
    return bool(mine) and order.fulfilments.filter(producer_id__in=mine).exists()


@transaction.atomic
def confirm_bank_transfer(*, order: Order, user: Any, amount: int | None = None) -> Order:
    """Staff (program office) or a producer of the order saw the transfer arrive: mark the order paid."""
    if not can_confirm_for_order(user, order):
        raise PermissionDeniedError(_("Chỉ văn phòng điều phối hoặc chủ thể của đơn được xác nhận."))
    if order.payment_method != Order.PaymentMethod.BANK_TRANSFER:
        raise DomainError("INVALID", _("Đơn này không thanh toán bằng chuyển khoản."), field="order")
    received = order.total if amount is None else int(amount)
    payment = Payment.objects.select_for_update().filter(order=order, gateway=Payment.Gateway.BANK_TRANSFER).first()
    if payment is None:
        payment = Payment.objects.create(
            checkout_token=order.checkout_token or "",
            order=order,
            gateway=Payment.Gateway.BANK_TRANSFER,
            amount=order.total,
            transfer_note=order.transfer_note,
        )
    order_services.mark_order_paid(order=order, amount=received, reference=f"bank:{order.transfer_note}", user=user)
    payment.status = Payment.Status.SUCCEEDED
    payment.confirmed_by = user if getattr(user, "is_authenticated", False) else None
    payment.save(update_fields=["status", "confirmed_by", "updated_at"])
    order.refresh_from_db()
    return order


def refund_order(*, order: Order, user: Any) -> Refund:
    """Program office refunds a paid card order in full through Stripe; the ledger lines are reversed."""
    if not is_program_office(user):
        raise PermissionDeniedError(_("Chỉ văn phòng điều phối được hoàn tiền."))
    order.refresh_from_db()
    return _refund(order=order, user=user)


def _refund(*, order: Order, user: Any) -> Refund:
    if order.payment_status != Order.PaymentStatus.PAID:
        raise DomainError("NOT_PAID", _("Đơn chưa được thanh toán nên không thể hoàn tiền."))
    payment = Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        raise DomainError("NOT_PAID", _("Không tìm thấy khoản thanh toán đã nhận."))
    amount = order.paid_amount or payment.amount
    reference = ""
    if payment.gateway == Payment.Gateway.STRIPE:
        result = stripe_gateway.refund(
            payment_intent=payment.psp_reference, amount=amount, idempotency_key=f"refund-{order.number}"
        )
        reference = result.id
    with transaction.atomic():
        refund = Refund.objects.create(
            payment=payment, amount=amount, psp_reference=reference, status="succeeded", created_by=user
        )
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
        order_services.record_refund(order=order, amount=amount, reference=reference or "manual", user=user)
    return refund


def cancel_order(*, order: Order, user: Any, reason: str = "") -> Order:
    """The program office or the buyer cancels an order before it ships (see orders.services.ensure_cancelable).

    One transaction with the order row locked: a paid card order is refunded in full through Stripe first (a
    Stripe failure leaves everything as it was), then every parcel is cancelled and its units go back to stock,
    and any settlement sale lines are reversed. A paid bank transfer is refunded (by hand) only by the program
    office. Idempotent: a cancelled order is returned as it is.
    """
    order_services.ensure_cancelable(order=order, user=user)  # before anything, and again under the lock
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == Order.Status.CANCELED:
            return order
        office = order_services.ensure_cancelable(order=order, user=user)
        if order.payment_status == Order.PaymentStatus.PAID:
            paid_by_card = Payment.objects.filter(
                order=order, status=Payment.Status.SUCCEEDED, gateway=Payment.Gateway.STRIPE
            ).exists()
            if not paid_by_card and not office:
                raise DomainError(
                    "NOT_CANCELABLE",
                    _("Đơn đã thanh toán bằng chuyển khoản: hãy liên hệ văn phòng điều phối để hủy và hoàn tiền."),
                    field="number",
                )
            _refund(order=order, user=user)
        order = order_services.cancel_order(order=order, user=user, reason=reason)
        reverse_sale(order=order)
    return order


# --- Settlement ledger ----------------------------------------------------------------------------------


def commission_rates() -> dict[int, int]:
    return dict(CommissionRate.objects.values_list("product_set_id", "rate_bp"))


def record_sale(*, order: Order) -> list[LedgerEntry]:
    """One sale entry per order line (idempotent): gross, commission at the product set's rate, net payable."""
    rates = commission_rates()
    default = settings.PLATFORM_COMMISSION_BP
    entries = []
    for line in order.lines.all():
        rate = rates.get(line.product_set_id, default)
        commission = percent_of(line.total, rate)
        entries.append(
            LedgerEntry(
                producer_id=line.producer_id,
                order=order,
                order_line=line,
                kind=LedgerEntry.Kind.SALE,
                gross=line.total,
                commission_rate_bp=rate,
                commission=commission,
                net=line.total - commission,
            )
        )
    return LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)


def reverse_sale(*, order: Order) -> list[LedgerEntry]:
    sales = LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.SALE)
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                producer_id=s.producer_id,
                order_id=s.order_id,
                order_line_id=s.order_line_id,
                kind=LedgerEntry.Kind.REFUND,
                gross=-s.gross,
                commission_rate_bp=s.commission_rate_bp,
                commission=-s.commission,
                net=-s.net,
            )
            for s in sales
        ],
        ignore_conflicts=True,
    )
