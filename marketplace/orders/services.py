"""Order writes: place an order (snapshot prices, allocate stock, one fulfilment per producer), move parcels,
record payments and refunds. Every change leaves an OrderEvent."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.permissions import is_program_office
from marketplace.core.text import normalize_text
from marketplace.geo.models import Commune, Province
from marketplace.inventory import services as inventory
from marketplace.orders.models import Allocation, Fulfilment, Order, OrderEvent, OrderLine
from marketplace.orders.signals import order_paid, order_placed, order_refunded
from marketplace.producers.permissions import producer_ids_for

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_order_number() -> str:
    """'DH261128-7XK2P': the local date and 5 unambiguous random characters (unique constraint backs it)."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5))
    return f"DH{today_in_vietnam():%y%m%d}-{suffix}"


@dataclass(frozen=True)
class Address:
    full_name: str
    phone: str
    province: Province
    commune: Commune
    street_address: str


@dataclass(frozen=True)
class LineInput:
    variant: ProductVariant  # with product (and its producer, product_set) loaded
    quantity: int


def log_event(order: Order, type: str, message: str = "", *, user: Any = None, data: dict | None = None) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, type=type, message=message[:255], data=data or {}, user=user if _is_user(user) else None
    )


def _is_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


@transaction.atomic(savepoint=False)
def place_order(
    *,
    checkout_token: str | None,
    number: str | None = None,
    user: Any = None,
    email: str,
    language: str = "vi",
    address: Address,
    delivery_method: str,
    delivery_method_name: str,
    payment_method: str,
    lines: list[LineInput],
    shipping: dict[int, int],
    weights: dict[int, int] | None = None,
    pickup_location_id: int | None = None,
) -> Order:
    """Create the order, its lines (price snapshots) and one fulfilment per producer; allocate stock under locks.

    `shipping` maps producer id → parcel shipping price. With `pickup_location_id` the units come from that sales
    point (click-and-collect). Raises INSUFFICIENT_STOCK (nothing is written then).
    """
    if not lines:
        raise DomainError("EMPTY", _("Giỏ hàng trống."), field="lines")
    if payment_method not in Order.PaymentMethod.values:
        raise DomainError("INVALID", _("Phương thức thanh toán không hợp lệ."), field="paymentMethod")
    quantities: dict[int, int] = defaultdict(int)
    for line in lines:
        quantities[line.variant.pk] += line.quantity
    allocated = inventory.allocate(quantities=quantities, checkout_token=checkout_token, location_id=pickup_location_id)

    by_producer: dict[int, list[LineInput]] = defaultdict(list)
    for line in lines:
        by_producer[line.variant.product.producer_id].append(line)
    subtotal = sum(line.variant.price * line.quantity for line in lines)
    shipping_total = sum(shipping.get(pid, 0) for pid in by_producer)
    user_obj = user if _is_user(user) else None
    order = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    number=number or new_order_number(),
                    checkout_token=checkout_token,
                    user=user_obj,
                    email=email,
                    language=language,
                    full_name=address.full_name,
                    phone=address.phone,
                    province=address.province,
                    commune=address.commune,
                    street_address=address.street_address,
                    delivery_method=delivery_method,
                    delivery_method_name=delivery_method_name,
                    payment_method=payment_method,
                    subtotal=subtotal,
                    shipping_total=shipping_total,
                    total=subtotal + shipping_total,
                )
            break
        except IntegrityError:
            if number is not None or (checkout_token and Order.objects.filter(checkout_token=checkout_token).exists()):
                raise
    if order is None:
        raise DomainError("NUMBER_EXHAUSTED", _("Không tạo được số đơn hàng, hãy thử lại."))

    fulfilments = Fulfilment.objects.bulk_create(
        [
            Fulfilment(
                order=order,
                producer_id=pid,
                subtotal=sum(li.variant.price * li.quantity for li in plines),
                shipping_price=shipping.get(pid, 0),
                weight_grams=(weights or {}).get(pid, sum(li.variant.weight_grams * li.quantity for li in plines)),
            )
            for pid, plines in by_producer.items()
        ]
    )
    fulfilment_of = {f.producer_id: f for f in fulfilments}
    order_lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                fulfilment=fulfilment_of[li.variant.product.producer_id],
                producer_id=li.variant.product.producer_id,
                variant=li.variant,
                product_set_id=li.variant.product.product_set_id,
                product_name=li.variant.product.name,
                variant_name=li.variant.name,
                sku=li.variant.sku,
                unit_price=li.variant.price,
                quantity=li.quantity,
                total=li.variant.price * li.quantity,
                weight_grams=li.variant.weight_grams * li.quantity,
            )
            for li in lines
        ]
    )
    # Give each line its share of the allocated units (a variant may appear once per order).
    line_of_variant = {ol.variant_id: ol for ol in order_lines}
    Allocation.objects.bulk_create(
        [
            Allocation(order_line=line_of_variant[a.variant_id], stock_id=a.stock_id, quantity=a.quantity)
            for a in allocated
        ]
    )
    log_event(
        order,
        OrderEvent.Type.PLACED,
        _("Đặt hàng %(number)s") % {"number": order.number},
        user=user,
        data={"total": order.total, "payment_method": payment_method},
    )
    order_placed.send(sender=Order, order=order)
    return order


def derive_status(statuses: list[str]) -> str:
    """The order's status from its parcels' statuses."""
    live = [s for s in statuses if s != Fulfilment.Status.CANCELED]
    if not live:
        return Order.Status.CANCELED
    if all(s == Fulfilment.Status.DELIVERED for s in live):
        return Order.Status.DELIVERED
    if all(s in (Fulfilment.Status.SHIPPED, Fulfilment.Status.DELIVERED) for s in live):
        return Order.Status.SHIPPED
    if any(s in (Fulfilment.Status.SHIPPED, Fulfilment.Status.DELIVERED) for s in live):
        return Order.Status.PARTIALLY_SHIPPED
    if any(s == Fulfilment.Status.PACKED for s in live):
        return Order.Status.PROCESSING
    return Order.Status.UNFULFILLED


NEXT_STATUS = {
    Fulfilment.Status.PENDING: {Fulfilment.Status.PACKED, Fulfilment.Status.SHIPPED, Fulfilment.Status.CANCELED},
    Fulfilment.Status.PACKED: {Fulfilment.Status.SHIPPED, Fulfilment.Status.CANCELED},
    Fulfilment.Status.SHIPPED: {Fulfilment.Status.DELIVERED},
    Fulfilment.Status.DELIVERED: set(),
    Fulfilment.Status.CANCELED: set(),
}


def can_manage_fulfilment(user: Any, fulfilment: Fulfilment) -> bool:
    return is_program_office(user) or fulfilment.producer_id in producer_ids_for(user)


@transaction.atomic
def set_fulfilment_status(
    *, fulfilment: Fulfilment, status: str, user: Any, tracking_number: str | None = None
) -> Fulfilment:
    """Move a parcel pending → packed → shipped → delivered (or cancel before shipping). Producer staff or office."""
    if not can_manage_fulfilment(user, fulfilment):
        raise PermissionDeniedError(_("Chỉ chủ thể của kiện hàng hoặc văn phòng điều phối được cập nhật."))
    fulfilment = Fulfilment.objects.select_for_update().select_related("order").get(pk=fulfilment.pk)
    if status == fulfilment.status and tracking_number is None:
        return fulfilment
    if status != fulfilment.status and status not in NEXT_STATUS.get(fulfilment.status, set()):
        raise DomainError(
            "INVALID_TRANSITION",
            _("Không thể chuyển kiện từ %(old)s sang %(new)s.") % {"old": fulfilment.status, "new": status},
            field="status",
        )
    now = timezone.now()
    old = fulfilment.status
    fulfilment.status = status
    if tracking_number is not None:
        fulfilment.tracking_number = tracking_number.strip()[:64]
    if status == Fulfilment.Status.PACKED:
        fulfilment.packed_at = now
    elif status == Fulfilment.Status.SHIPPED:
        fulfilment.shipped_at = now
        allocations = Allocation.objects.filter(order_line__fulfilment=fulfilment, consumed=False)
        inventory.consume(allocations=list(allocations.values_list("stock_id", "quantity")))
        allocations.update(consumed=True)
    elif status == Fulfilment.Status.DELIVERED:
        fulfilment.delivered_at = now
    elif status == Fulfilment.Status.CANCELED:
        allocations = Allocation.objects.filter(order_line__fulfilment=fulfilment, consumed=False)
        inventory.deallocate(allocations=list(allocations.values_list("stock_id", "quantity")))
        allocations.delete()
    fulfilment.save()
    order = fulfilment.order
    log_event(
        order,
        OrderEvent.Type.FULFILMENT_STATUS,
        f"{fulfilment.producer_id}: {old} → {status}",
        user=user,
        data={"fulfilment": fulfilment.pk, "from": old, "to": status, "tracking_number": fulfilment.tracking_number},
    )
    _refresh_status(order, user=user)
    if (
        order.status == Order.Status.DELIVERED
        and order.payment_method == Order.PaymentMethod.COD
        and order.payment_status == Order.PaymentStatus.UNPAID
    ):
        mark_order_paid(order=order, amount=order.total, reference="cod", user=user)
    return fulfilment


def _refresh_status(order: Order, *, user: Any = None) -> None:
    new = derive_status(list(order.fulfilments.values_list("status", flat=True)))
    if new != order.status:
        old = order.status
        order.status = new
        order.save(update_fields=["status", "updated_at"])
        log_event(order, OrderEvent.Type.STATUS, f"{old} → {new}", user=user, data={"from": old, "to": new})


def ensure_cancelable(*, order: Order, user: Any) -> bool:
    """Raise unless `user` may cancel `order` now; returns True when the program office is cancelling.

    The program office may cancel while no parcel has left (pending or packed); the buyer (the order's signed-in
    owner) only while every parcel is still pending.
    """
    office = is_program_office(user)
    if not office and not (_is_user(user) and order.user_id is not None and order.user_id == user.pk):
        raise PermissionDeniedError(_("Chỉ người mua hoặc văn phòng điều phối được hủy đơn."))
    allowed = {Fulfilment.Status.PENDING, Fulfilment.Status.CANCELED}
    if office:
        allowed.add(Fulfilment.Status.PACKED)
    if any(status not in allowed for status in order.fulfilments.values_list("status", flat=True)):
        raise DomainError(
            "NOT_CANCELABLE",
            _("Đơn đã được đóng gói hoặc gửi đi nên không thể hủy.")
            if not office
            else _("Đơn đã có kiện được gửi đi nên không thể hủy."),
            field="number",
        )
    return office


@transaction.atomic
def cancel_order(*, order: Order, user: Any, reason: str = "") -> Order:
    """Cancel every parcel, give the allocated units back to stock, record who and why. Idempotent.

    Money is not this function's business: payments.services.cancel_order refunds first and then calls it.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == Order.Status.CANCELED:
        return order
    office = ensure_cancelable(order=order, user=user)
    fulfilments = Fulfilment.objects.select_for_update().filter(order=order).exclude(status=Fulfilment.Status.CANCELED)
    list(fulfilments.values_list("pk", flat=True))  # lock the parcels (a producer cannot pack one meanwhile)
    allocations = Allocation.objects.filter(order_line__order=order, consumed=False)
    inventory.deallocate(allocations=list(allocations.values_list("stock_id", "quantity")))
    allocations.delete()
    fulfilments.update(status=Fulfilment.Status.CANCELED)
    reason = normalize_text(reason or "")[:200]
    log_event(
        order,
        OrderEvent.Type.CANCELED,
        reason or _("Hủy đơn"),
        user=user,
        data={"by": "program_office" if office else "customer", "reason": reason},
    )
    _refresh_status(order, user=user)
    return order


@transaction.atomic
def mark_order_paid(*, order: Order, amount: int, reference: str, user: Any = None) -> bool:
    """Record that the order's money arrived (gateway's word, COD delivery, bank receipt). Idempotent.

    Returns True when this call changed the order. An amount short of the total is refused.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_status != Order.PaymentStatus.UNPAID:
        return False
    if amount < order.total:
        raise DomainError(
            "AMOUNT_MISMATCH",
            _("Số tiền %(amount)s nhỏ hơn tổng đơn %(total)s.") % {"amount": amount, "total": order.total},
            field="amount",
        )
    order.payment_status = Order.PaymentStatus.PAID
    order.paid_amount = amount
    order.paid_at = timezone.now()
    order.save(update_fields=["payment_status", "paid_amount", "paid_at", "updated_at"])
    log_event(order, OrderEvent.Type.PAID, reference, user=user, data={"amount": amount, "reference": reference})
    order_paid.send(sender=Order, order=order)
    return True


@transaction.atomic
def record_refund(*, order: Order, amount: int, reference: str, user: Any = None) -> Order:
    """The whole paid amount went back to the buyer (refunds are full)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_status != Order.PaymentStatus.PAID:
        raise DomainError("NOT_PAID", _("Đơn chưa được thanh toán nên không thể hoàn tiền."))
    order.payment_status = Order.PaymentStatus.REFUNDED
    order.save(update_fields=["payment_status", "updated_at"])
    log_event(order, OrderEvent.Type.REFUNDED, reference, user=user, data={"amount": amount, "reference": reference})
    order_refunded.send(sender=Order, order=order, amount=amount)
    return order


def record_email_sent(*, order: Order, kind: str) -> None:
    log_event(order, OrderEvent.Type.EMAIL_SENT, kind, data={"kind": kind})
