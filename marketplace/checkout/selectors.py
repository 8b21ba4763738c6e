"""Checkout reads: the summary every page and the API show (lines, parcels, shipping, total, methods, problems)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from marketplace.catalog.selectors import listed_condition
from marketplace.checkout import shipping
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.inventory.selectors import available_quantities, pickup_locations
from marketplace.producers.models import Producer

HOME_DELIVERY = "home"
PICKUP_PREFIX = "pickup:"


def available_payment_gateways() -> list[str]:
    """The payment gateways a buyer may choose now, in display order — the API and the checkout page both ask here.

    STRIPE only with its secret, publishable and webhook keys (without the webhook nothing would mark orders paid);
    COD always; BANK_TRANSFER only with the bank BIN, account and account name set (they are printed in the VietQR).
    """
    gateways = ["COD"]
    if settings.BANK_TRANSFER_BIN and settings.BANK_TRANSFER_ACCOUNT and settings.BANK_TRANSFER_ACCOUNT_NAME:
        gateways.append("BANK_TRANSFER")
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET:
        gateways.append("STRIPE")
    return gateways


def pickup_location_id(method_id: str) -> int | None:
    """'pickup:12' → 12; anything else → None."""
    if method_id.startswith(PICKUP_PREFIX) and method_id[len(PICKUP_PREFIX) :].isdigit():
        return int(method_id[len(PICKUP_PREFIX) :])
    return None


@dataclass
class LineSummary:
    line: CheckoutLine
    unit_price: int
    total: int
    is_listed: bool
    available: int

    @property
    def variant(self):
        return self.line.variant

    @property
    def producer(self) -> Producer:
        return self.line.variant.product.producer


@dataclass
class Parcel:
    producer: Producer
    lines: list[LineSummary]
    subtotal: int
    weight_grams: int
    shipping_price: int | None  # None until an address is known


@dataclass
class DeliveryMethod:
    id: str
    name: str
    price: int | None


@dataclass
class Problem:
    code: str
    message: str
    line_id: int | None = None


@dataclass
class CheckoutSummary:
    checkout: Checkout
    lines: list[LineSummary]
    parcels: list[Parcel]
    subtotal: int
    shipping_total: int | None
    total: int
    delivery_methods: list[DeliveryMethod]
    problems: list[Problem] = field(default_factory=list)

    @property
    def delivery_method(self) -> DeliveryMethod | None:
        return next((m for m in self.delivery_methods if m.id == self.checkout.delivery_method), None)


def get_checkout(token: str | uuid.UUID, *, for_update: bool = False) -> Checkout | None:
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    qs = Checkout.objects.all()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("province", "commune").filter(token=token).first()


def lines_of(checkout: Checkout) -> QuerySet[CheckoutLine]:
    return (
        CheckoutLine.objects.filter(checkout=checkout)
        .select_related("variant__product__producer__province")
        # only what a cart shows and an order snapshots (fewer columns to read and to build models from)
        .only(
            "checkout_id",
            "variant_id",
            "quantity",
            "variant__sku",
            "variant__name",
            "variant__price",
            "variant__weight_grams",
            "variant__is_active",
            "variant__product_id",
            "variant__product__name",
            "variant__product__product_set_id",
            "variant__product__producer_id",
            "variant__product__producer__name",
            "variant__product__producer__province_id",
            "variant__product__producer__province__code",
            "variant__product__producer__province__name",
        )
        .annotate(
            is_listed=Case(
                When(listed_condition(prefix="variant__product__") & Q(variant__is_active=True), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("pk")
    )


def summarize(checkout: Checkout, *, check_stock: bool = True, all_methods: bool = True) -> CheckoutSummary:
    """Two queries (lines with listing flag, availability) whatever the number of lines.

    `check_stock=False` skips the availability query (and INSUFFICIENT_STOCK problems): for callers that only
    need prices, or that re-check stock under locks anyway (completion). `all_methods=False` looks up sales points
    for pickup only when the chosen method is a pickup (callers that need the chosen method, not the menu).
    """
    rows = list(lines_of(checkout))
    if check_stock:
        available = available_quantities([r.variant_id for r in rows], exclude_checkout=str(checkout.token))
    else:
        available = {r.variant_id: r.quantity for r in rows}
    lines = [
        LineSummary(
            line=r,
            unit_price=r.variant.price,
            total=r.variant.price * r.quantity,
            is_listed=bool(r.is_listed),
            available=available.get(r.variant_id, 0),
        )
        for r in rows
    ]
    grouped: dict[int, list[LineSummary]] = defaultdict(list)
    for ls in lines:
        grouped[ls.producer.pk].append(ls)
    destination = checkout.province
    parcels = []
    for plines in grouped.values():
        producer = plines[0].producer
        subtotal = sum(ls.total for ls in plines)
        weight = sum(ls.variant.weight_grams * ls.line.quantity for ls in plines)
        price = (
            shipping.parcel_price(
                weight_grams=weight,
                subtotal=subtotal,
                origin_province_code=producer.province.code,
                destination_province_code=destination.code,
            )
            if destination is not None
            else None
        )
        parcels.append(
            Parcel(producer=producer, lines=plines, subtotal=subtotal, weight_grams=weight, shipping_price=price)
        )
    subtotal = sum(ls.total for ls in lines)
    methods: list[DeliveryMethod] = []
    if lines and destination is not None:
        home_price = sum(p.shipping_price or 0 for p in parcels)
        methods.append(DeliveryMethod(id=HOME_DELIVERY, name=_("Giao tận nhà"), price=home_price))
    if lines and (all_methods or pickup_location_id(checkout.delivery_method) is not None):
        for location in pickup_locations(
            {ls.line.variant_id: ls.line.quantity for ls in lines}, exclude_checkout=str(checkout.token)
        ):
            methods.append(
                DeliveryMethod(
                    id=f"{PICKUP_PREFIX}{location.pk}",
                    name=_("Nhận tại điểm bán: %(name)s") % {"name": location.name},
                    price=0,
                )
            )
    chosen = next((m for m in methods if m.id == checkout.delivery_method), None)
    shipping_total = chosen.price if chosen else None
    if chosen is not None and chosen.id != HOME_DELIVERY:
        for parcel in parcels:
            parcel.shipping_price = 0
    problems = []
    for ls in lines:
        if not ls.is_listed:
            problems.append(
                Problem(
                    "NOT_LISTED",
                    _("“%(name)s” hiện không còn được bán; hãy bỏ khỏi giỏ.") % {"name": ls.variant.product.name},
                    ls.line.pk,
                )
            )
        elif ls.available < ls.line.quantity:
            problems.append(
                Problem(
                    "INSUFFICIENT_STOCK",
                    _("“%(name)s” chỉ còn %(n)s.") % {"name": ls.variant.product.name, "n": ls.available},
                    ls.line.pk,
                )
            )
    return CheckoutSummary(
        checkout=checkout,
        lines=lines,
        parcels=parcels,
        subtotal=subtotal,
        shipping_total=shipping_total,
        total=subtotal + (shipping_total or 0),
        delivery_methods=methods,
        problems=problems,
    )
