"""Checkout writes. The storefront pages and the GraphQL API both call these; each is one transaction.

Lines are given as `(variant_id, quantity)` pairs. Stock is held (inventory.Reservation) for
CHECKOUT_RESERVATION_MINUTES after every change of lines, and allocated for good by `complete_checkout`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.catalog.selectors import listed_condition
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.checkout.phone import normalize_phone
from marketplace.checkout.selectors import HOME_DELIVERY, PICKUP_PREFIX, CheckoutSummary, pickup_location_id, summarize
from marketplace.core.errors import DomainError, DomainErrors
from marketplace.core.text import normalize_text
from marketplace.geo.models import Commune, Province
from marketplace.geo.selectors import find_commune, find_province
from marketplace.inventory import services as inventory
from marketplace.inventory.selectors import pickup_locations
from marketplace.orders import services as orders
from marketplace.orders.models import Order

MAX_LINE_QUANTITY = 999
MAX_LINES = 100
PAYMENT_METHODS = {"stripe", "cod", "bank_transfer"}

LinePairs = Iterable[tuple[int, int]]


def _is_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("INVALID_EMAIL", _("Địa chỉ e-mail không hợp lệ."), field="email")
    return email


def _ensure_open(checkout: Checkout) -> None:
    if checkout.order_id:
        raise DomainError("CHECKOUT_COMPLETED", _("Giỏ hàng này đã được đặt thành đơn."), field="id")


def _merge(pairs: LinePairs) -> dict[int, int]:
    merged: dict[int, int] = {}
    for variant_id, quantity in pairs:
        try:
            variant_id, quantity = int(variant_id), int(quantity)
        except (TypeError, ValueError):
            raise DomainError("INVALID", _("Dòng hàng không hợp lệ."), field="lines")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return merged


def _check_quantities(quantities: dict[int, int], *, allow_zero: bool = False) -> None:
    errors = []
    for variant_id, quantity in quantities.items():
        if quantity < (0 if allow_zero else 1) or quantity > MAX_LINE_QUANTITY:
            errors.append(
                DomainError(
                    "INVALID_QUANTITY",
                    _("Số lượng phải từ 1 đến %(max)s.") % {"max": MAX_LINE_QUANTITY},
                    field=str(variant_id),
                )
            )
    if errors:
        raise DomainErrors(errors)


def _check_listed(variant_ids: Sequence[int]) -> None:
    """One query: every variant exists, is active and belongs to a listed product — else NOT_FOUND / NOT_LISTED."""
    flags = dict(
        ProductVariant.objects.filter(pk__in=list(variant_ids))
        .annotate(
            listed=Case(
                When(listed_condition(prefix="product__") & Q(is_active=True), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("pk", "listed")
    )
    errors = []
    for variant_id in variant_ids:
        if variant_id not in flags:
            errors.append(DomainError("NOT_FOUND", _("Không tìm thấy sản phẩm."), field=str(variant_id)))
        elif not flags[variant_id]:
            errors.append(DomainError("NOT_LISTED", _("Sản phẩm này hiện không được bán."), field=str(variant_id)))
    if errors:
        raise DomainErrors(errors)


def _reserve(checkout: Checkout, quantities: dict[int, int]) -> None:
    inventory.reserve(
        checkout_token=str(checkout.token), quantities=quantities, minutes=settings.CHECKOUT_RESERVATION_MINUTES
    )


def _current_quantities(checkout: Checkout) -> dict[int, int]:
    return dict(CheckoutLine.objects.filter(checkout=checkout).values_list("variant_id", "quantity"))


def _write_lines(checkout: Checkout, before: dict[int, int], after: dict[int, int]) -> None:
    """Apply the difference between two {variant_id: quantity} maps in at most three statements."""
    removed = [vid for vid in before if vid not in after]
    added = {vid: q for vid, q in after.items() if vid not in before}
    changed = {vid: q for vid, q in after.items() if vid in before and before[vid] != q}
    if removed:
        CheckoutLine.objects.filter(checkout=checkout, variant_id__in=removed).delete()
    if added:
        CheckoutLine.objects.bulk_create(
            [CheckoutLine(checkout=checkout, variant_id=vid, quantity=q) for vid, q in added.items()]
        )
    if changed:
        CheckoutLine.objects.filter(checkout=checkout, variant_id__in=list(changed)).update(
            quantity=Case(*[When(variant_id=vid, then=Value(q)) for vid, q in changed.items()])
        )


def _invalidate_payment(checkout: Checkout) -> None:
    # A card payment was created for the old total; it must be created again.
    if checkout.payment_method == "stripe":
        checkout.payment_amount = None


@transaction.atomic
def create_checkout(*, email: str = "", lines: LinePairs = (), user: Any = None, language: str = "vi") -> Checkout:
    quantities = _merge(lines)
    if len(quantities) > MAX_LINES:
        raise DomainError("TOO_MANY_LINES", _("Giỏ hàng tối đa %(n)s dòng.") % {"n": MAX_LINES}, field="lines")
    _check_quantities(quantities)
    if quantities:
        _check_listed(list(quantities))
    clean_email = _clean_email(email) if email else (user.email if _is_user(user) else "")
    checkout = Checkout.objects.create(
        email=clean_email,
        user=user if _is_user(user) else None,
        language=language if language in ("vi", "en") else "vi",
        full_name=getattr(user, "full_name", "") if _is_user(user) else "",
    )
    _write_lines(checkout, {}, quantities)
    _reserve(checkout, quantities)
    return checkout


@transaction.atomic
def add_lines(*, checkout: Checkout, lines: LinePairs) -> Checkout:
    """Add units (quantities add up with lines already in the cart)."""
    _ensure_open(checkout)
    extra = _merge(lines)
    _check_quantities(extra)
    _check_listed(list(extra))
    before = _current_quantities(checkout)
    after = dict(before)
    for vid, q in extra.items():
        after[vid] = after.get(vid, 0) + q
    if len(after) > MAX_LINES:
        raise DomainError("TOO_MANY_LINES", _("Giỏ hàng tối đa %(n)s dòng.") % {"n": MAX_LINES}, field="lines")
    _check_quantities(after)
    _write_lines(checkout, before, after)
    _reserve(checkout, after)
    _invalidate_payment(checkout)
    checkout.save()
    return checkout


@transaction.atomic
def update_lines(*, checkout: Checkout, lines: LinePairs) -> Checkout:
    """Set quantities; 0 removes the line."""
    _ensure_open(checkout)
    wanted = _merge(lines)
    _check_quantities(wanted, allow_zero=True)
    increases = [vid for vid, q in wanted.items() if q > 0]
    before = _current_quantities(checkout)
    new_variants = [vid for vid in increases if vid not in before or wanted[vid] > before[vid]]
    if new_variants:
        _check_listed(new_variants)
    after = dict(before)
    for vid, q in wanted.items():
        if q == 0:
            after.pop(vid, None)
        else:
            after[vid] = q
    _write_lines(checkout, before, after)
    _reserve(checkout, after)
    _invalidate_payment(checkout)
    checkout.save()
    return checkout


@transaction.atomic
def delete_lines(*, checkout: Checkout, line_ids: Iterable[int]) -> Checkout:
    _ensure_open(checkout)
    ids = [int(i) for i in line_ids]
    found = set(CheckoutLine.objects.filter(checkout=checkout, pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError("NOT_FOUND", _("Không tìm thấy dòng hàng."), field="lineIds")
    CheckoutLine.objects.filter(pk__in=ids).delete()
    _reserve(checkout, _current_quantities(checkout))
    _invalidate_payment(checkout)
    checkout.save()
    return checkout


@transaction.atomic
def set_email(*, checkout: Checkout, email: str) -> Checkout:
    _ensure_open(checkout)
    checkout.email = _clean_email(email)
    checkout.save(update_fields=["email", "updated_at"])
    return checkout


def _resolve_province(value: Province | str | int) -> Province | None:
    if isinstance(value, Province):
        return value
    return find_province(str(value))


def _resolve_commune(province: Province, value: Commune | str | int) -> Commune | None:
    if isinstance(value, Commune):
        return value if value.province_id == province.pk else None
    return find_commune(province, str(value))


@transaction.atomic
def set_shipping_address(
    *,
    checkout: Checkout,
    full_name: str,
    phone: str,
    province: Province | str | int,
    commune: Commune | str | int,
    street_address: str,
) -> Checkout:
    """Validate everything, report every bad field at once, and change nothing unless all are good."""
    _ensure_open(checkout)
    errors = []
    name = normalize_text(full_name or "")
    if not name:
        errors.append(DomainError("REQUIRED", _("Hãy nhập tên người nhận."), field="fullName"))
    clean_phone = normalize_phone(phone)
    if clean_phone is None:
        errors.append(
            DomainError(
                "INVALID_PHONE",
                _("Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678)."),
                field="phone",
            )
        )
    province_obj = _resolve_province(province)
    commune_obj = None
    if province_obj is None:
        errors.append(DomainError("INVALID_PROVINCE", _("Không tìm thấy tỉnh/thành phố."), field="province"))
    else:
        commune_obj = _resolve_commune(province_obj, commune)
        if commune_obj is None:
            errors.append(
                DomainError(
                    "INVALID_COMMUNE",
                    _("Xã/phường này không thuộc %(province)s.") % {"province": province_obj.name},
                    field="commune",
                )
            )
    street = normalize_text(street_address or "")
    if not street:
        errors.append(DomainError("REQUIRED", _("Hãy nhập số nhà, đường, thôn/xóm."), field="streetAddress"))
    if errors:
        raise DomainErrors(errors)
    checkout.full_name = name[:150]
    checkout.phone = clean_phone
    checkout.province = province_obj
    checkout.commune = commune_obj
    checkout.street_address = street[:255]
    _invalidate_payment(checkout)
    checkout.save()
    return checkout


@transaction.atomic
def set_delivery_method(*, checkout: Checkout, delivery_method_id: str) -> Checkout:
    _ensure_open(checkout)
    if delivery_method_id == HOME_DELIVERY and checkout.province_id is None:
        raise DomainError("SHIPPING_ADDRESS_REQUIRED", _("Hãy nhập địa chỉ giao hàng trước."), field="deliveryMethodId")
    if delivery_method_id not in available_delivery_method_ids(checkout, delivery_method_id):
        raise DomainError(
            "INVALID_DELIVERY_METHOD", _("Phương thức giao hàng không khả dụng."), field="deliveryMethodId"
        )
    checkout.delivery_method = delivery_method_id
    _invalidate_payment(checkout)
    checkout.save()
    return checkout


def available_delivery_method_ids(checkout: Checkout, wanted: str) -> set[str]:
    """What `summarize(...).delivery_methods` offers, checked cheaply for the method `wanted`."""
    quantities = _current_quantities(checkout)
    if not quantities:
        return set()
    if wanted == HOME_DELIVERY:
        return {HOME_DELIVERY} if checkout.province_id is not None else set()
    locations = pickup_locations(quantities, exclude_checkout=str(checkout.token))
    return {f"{PICKUP_PREFIX}{location.pk}" for location in locations}


@transaction.atomic(savepoint=False)
def set_payment(*, checkout: Checkout, method: str, amount: int) -> Checkout:
    """Record the chosen payment method and the total it was started for (called by payments.services)."""
    _ensure_open(checkout)
    if method not in PAYMENT_METHODS:
        raise DomainError("INVALID", _("Phương thức thanh toán không hợp lệ."), field="gateway")
    checkout.payment_method = method
    checkout.payment_amount = amount
    checkout.save(update_fields=["payment_method", "payment_amount", "updated_at"])
    return checkout


@transaction.atomic(savepoint=False)
def reserve_order_number(*, checkout: Checkout) -> str:
    """The number the order will carry, fixed now (bank-transfer notes need it before the order exists)."""
    if not checkout.order_number:
        number = orders.new_order_number()
        while Order.objects.filter(number=number).exists() or Checkout.objects.filter(order_number=number).exists():
            number = orders.new_order_number()  # a clash is one in tens of millions, but the QR must be right
        checkout.order_number = number
        checkout.save(update_fields=["order_number", "updated_at"])
    return checkout.order_number


def validate_for_completion(summary: CheckoutSummary) -> list[DomainError]:
    checkout = summary.checkout
    errors: list[DomainError] = []
    if not summary.lines:
        errors.append(DomainError("EMPTY", _("Giỏ hàng trống."), field="lines"))
    if not checkout.email:
        errors.append(DomainError("EMAIL_REQUIRED", _("Hãy nhập e-mail."), field="email"))
    if checkout.province_id is None or checkout.commune_id is None:
        errors.append(
            DomainError("SHIPPING_ADDRESS_REQUIRED", _("Hãy nhập địa chỉ giao hàng."), field="shippingAddress")
        )
    if summary.delivery_method is None:
        errors.append(
            DomainError("DELIVERY_METHOD_REQUIRED", _("Hãy chọn phương thức giao hàng."), field="deliveryMethod")
        )
    if checkout.payment_method not in PAYMENT_METHODS:
        errors.append(DomainError("PAYMENT_REQUIRED", _("Hãy chọn phương thức thanh toán."), field="payment"))
    elif checkout.payment_method == "stripe" and checkout.payment_amount != summary.total:
        errors.append(
            DomainError("PAYMENT_REQUIRED", _("Tổng tiền đã thay đổi; hãy tạo lại thanh toán thẻ."), field="payment")
        )
    for problem in summary.problems:
        if problem.code == "NOT_LISTED":
            errors.append(DomainError("NOT_LISTED", problem.message, field=f"lines.{problem.line_id}"))
    return errors


def complete_checkout(*, checkout: Checkout, user: Any = None) -> Order:
    """Turn the cart into an order (idempotent: again → the same order). Sends the confirmation e-mail."""
    from marketplace.orders.tasks import send_order_confirmation

    with transaction.atomic():
        locked = (
            Checkout.objects.select_for_update(of=("self",)).select_related("province", "commune").get(pk=checkout.pk)
        )
        if locked.order_id:
            return Order.objects.get(pk=locked.order_id)
        summary = summarize(locked, check_stock=False, all_methods=False)  # allocation re-checks stock under row locks
        errors = validate_for_completion(summary)
        if errors:
            raise DomainErrors(errors)
        method = summary.delivery_method
        order = orders.place_order(
            checkout_token=str(locked.token),
            number=locked.order_number or None,
            user=user if _is_user(user) else locked.user,
            email=locked.email,
            language=locked.language,
            address=orders.Address(
                full_name=locked.full_name,
                phone=locked.phone,
                province=locked.province,
                commune=locked.commune,
                street_address=locked.street_address,
            ),
            delivery_method=method.id,
            delivery_method_name=str(method.name),
            payment_method=locked.payment_method,
            lines=[orders.LineInput(variant=ls.variant, quantity=ls.line.quantity) for ls in summary.lines],
            shipping={p.producer.pk: p.shipping_price or 0 for p in summary.parcels},
            weights={p.producer.pk: p.weight_grams for p in summary.parcels},
            pickup_location_id=pickup_location_id(method.id),
        )
        locked.order = order
        locked.save(update_fields=["order", "updated_at"])
        transaction.on_commit(lambda: send_order_confirmation.delay(order.pk))
    checkout.order = order
    return order


ABANDONED_BATCH = 500


def delete_abandoned_checkouts(*, days: int | None = None, keep_tokens: Iterable[str] = ()) -> int:
    """Delete carts untouched for `days` (CHECKOUT_ABANDONED_DAYS) that never became orders; drop their holds.

    Idempotent (a second run finds nothing). `keep_tokens`: carts to keep whatever their age (the payments app
    passes carts whose card payment succeeded without an order, so nobody loses what they paid for).
    Works in batches, one transaction each; a cart touched meanwhile is not deleted (re-checked under lock).
    """
    days = settings.CHECKOUT_ABANDONED_DAYS if days is None else int(days)
    if days < 1:
        raise DomainError("INVALID", _("Số ngày phải từ 1 trở lên."), field="days")
    cutoff = timezone.now() - datetime.timedelta(days=days)
    keep = {str(t) for t in keep_tokens}
    stale = Checkout.objects.filter(order__isnull=True, updated_at__lt=cutoff)
    deleted = 0
    last_pk = 0
    while True:
        batch = list(stale.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "token")[:ABANDONED_BATCH])
        if not batch:
            return deleted
        last_pk = batch[-1][0]
        pks = [pk for pk, token in batch if str(token) not in keep]
        if not pks:
            continue
        with transaction.atomic():
            locked = list(
                stale.select_for_update(skip_locked=True).filter(pk__in=pks).order_by("pk").values_list("pk", "token")
            )
            if not locked:
                continue
            inventory.release_many(checkout_tokens=[str(token) for _pk, token in locked])
            Checkout.objects.filter(pk__in=[pk for pk, _token in locked]).delete()
            deleted += len(locked)
