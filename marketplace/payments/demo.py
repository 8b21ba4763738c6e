"""Demo orders: one cash-on-delivery and one bank-transfer order, placed through the real services."""

from __future__ import annotations

from collections.abc import Callable

from marketplace.catalog.models import ProductVariant
from marketplace.catalog.selectors import listed_condition
from marketplace.checkout import services as checkout
from marketplace.core.errors import DomainError
from marketplace.geo.models import Commune, Province
from marketplace.inventory.selectors import available_quantities
from marketplace.orders.models import Order
from marketplace.payments import services as payments

DEMO_BUYERS = [
    ("demo-cod@ocop.local", "COD", "Trần Thị Mai", "0912345678", "ha_noi"),
    ("demo-bank@ocop.local", "BANK_TRANSFER", "Lê Văn Hùng", "0387654321", "thanh_hoa"),
]


def load_orders_demo(stdout: Callable[[str], None]) -> None:
    variants = list(
        ProductVariant.objects.filter(listed_condition(prefix="product__"), is_active=True).order_by("pk")[:20]
    )
    free = available_quantities([v.pk for v in variants])
    in_stock = [v for v in variants if free.get(v.pk, 0) >= 2]
    if not in_stock:
        stdout("orders: no listed product with stock yet, skipped")
        return
    for i, (email, gateway, name, phone, province_code) in enumerate(DEMO_BUYERS):
        if Order.objects.filter(email=email).exists():
            stdout(f"orders: {email} (kept)")
            continue
        province = Province.objects.get(codename=province_code)
        commune = Commune.objects.filter(province=province).order_by("code").first()
        picks = in_stock[i : i + 2] or in_stock[:1]
        try:
            c = checkout.create_checkout(email=email, lines=[(v.pk, 1) for v in picks])
            checkout.set_shipping_address(
                checkout=c,
                full_name=name,
                phone=phone,
                province=province,
                commune=commune,
                street_address="Số 1, đường Trần Phú",
            )
            checkout.set_delivery_method(checkout=c, delivery_method_id="home")
            payments.create_payment(checkout=c, gateway=gateway)
            order = checkout.complete_checkout(checkout=c)
        except DomainError as exc:
            stdout(f"orders: {email} skipped ({exc.code})")
            continue
        stdout(f"orders: {order.number} ({gateway}, {order.total} đồng) created")
