"""Demo lots with a realistic journey for a few existing products (harvest → processing → packing → shipping to the
Thọ Xuân airport kiosk → received). Idempotent; does nothing when no product has a variant yet."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from marketplace.catalog.models import Product, ProductVariant
from marketplace.inventory.models import Stock, StockLocation
from traceability import digital_link, services
from traceability.models import Lot, TraceLocation

KIOSK_NAME = "Ki-ốt OCOP Cảng hàng không Thọ Xuân"
KIOSK_GLN = digital_link.with_check_digit("893860000001")
DEMO_PRODUCTS = 3


def _kiosk() -> TraceLocation:
    stock_location, _ = StockLocation.objects.get_or_create(
        gln=KIOSK_GLN,
        defaults={
            "name": KIOSK_NAME,
            "kind": StockLocation.Kind.SALES_POINT,
            "ships_online_orders": False,
            "street_address": "Cảng hàng không Thọ Xuân, Thanh Hóa",
        },
    )
    place, _ = TraceLocation.objects.get_or_create(
        stock_location=stock_location,
        defaults={
            "name": KIOSK_NAME,
            "kind": TraceLocation.Kind.SALES_POINT,
            "latitude": "19.901700",
            "longitude": "105.467800",
            "address": stock_location.street_address,
        },
    )
    return place


def _demo_gtin(variant: ProductVariant) -> str | None:
    for attempt in range(10):
        gtin = digital_link.with_check_digit(f"8938{(variant.pk * 10 + attempt) % 10**8:08d}")
        if not ProductVariant.objects.filter(gtin=gtin).exists():
            return gtin
    return None


@transaction.atomic
def load_traceability_demo(stdout: Callable[[str], None]) -> None:
    user = get_user_model().objects.filter(email=settings.DEMO_ADMIN_EMAIL).first()
    variants = [
        product.variants.order_by("position", "pk").first()
        for product in Product.objects.filter(variants__isnull=False).distinct().order_by("pk")[:DEMO_PRODUCTS]
    ]
    if not variants or user is None:
        stdout("traceability: no products with variants yet (or no admin) — nothing to do")
        return
    kiosk = _kiosk()
    created = 0
    for variant in variants:
        if not variant.gtin:
            variant.gtin = _demo_gtin(variant)
            variant.save(update_fields=["gtin", "updated_at"])
        producer = variant.product.producer
        farm, _ = TraceLocation.objects.get_or_create(
            producer=producer,
            kind=TraceLocation.Kind.FARM,
            defaults={"name": f"Vùng nguyên liệu {producer.name}", "commune": producer.commune},
        )
        workshop, _ = TraceLocation.objects.get_or_create(
            producer=producer,
            kind=TraceLocation.Kind.WORKSHOP,
            defaults={"name": f"Cơ sở sản xuất {producer.name}", "commune": producer.commune},
        )
        Stock.objects.get_or_create(variant=variant, location=kiosk.stock_location, defaults={"quantity": 24})
        for months_ago, code in ((5, "DEMO-A"), (2, "DEMO-B")):
            if Lot.objects.filter(variant=variant, code=code).exists():
                continue
            start = timezone.now() - datetime.timedelta(days=30 * months_ago)
            lot = services.create_lot(
                user=user,
                variant=variant,
                code=code,
                production_date=timezone.localdate(start),
                expiry_date=timezone.localdate(start) + datetime.timedelta(days=540),
                quantity=300,
                origin_commune=producer.commune,
                origin_site=farm.name,
                raw_materials="Nguyên liệu từ vùng trồng của chủ thể",
                standards=["VietGAP", "TCCS"],
            )
            journey = [
                ("ObjectEvent", "ADD", "commissioning", "active", farm, 0, "Thu hoạch nguyên liệu"),
                ("ObjectEvent", "OBSERVE", "inspecting", "conformant", workshop, 1, "Sơ chế, chế biến và kiểm tra"),
                ("AggregationEvent", "ADD", "packing", "in_progress", workshop, 3, "Đóng gói, dán tem QR"),
                ("ObjectEvent", "OBSERVE", "shipping", "in_transit", workshop, 5, "Xuất hàng đi Thọ Xuân"),
                ("ObjectEvent", "OBSERVE", "receiving", "sellable_accessible", kiosk, 6, "Nhận hàng tại ki-ốt sân bay"),
            ]
            for event_type, action, step, disposition, place, day, note in journey:
                services.record_event(
                    user=user,
                    event_type=event_type,
                    action=action,
                    biz_step=step,
                    disposition=disposition,
                    lots=[{"lot": lot, "role": "child" if event_type == "AggregationEvent" else "object"}],
                    event_time=start + datetime.timedelta(days=day, hours=8),
                    read_point=place,
                    biz_location=place,
                    note=note,
                )
            created += 1
    stdout(f"traceability: {created} demo lots created, {len(variants)} products traced")
