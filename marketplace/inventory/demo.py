"""Demo stock: every variant without stock gets some in its producer's warehouse. Idempotent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import transaction

from marketplace.catalog.models import ProductVariant
from marketplace.inventory.models import Stock, StockLocation


def _quantity(sku: str) -> int:
    return 20 + int(hashlib.sha256(sku.encode()).hexdigest()[:8], 16) % 180


@transaction.atomic
def load_inventory_demo(stdout: Callable[[str], None]) -> None:
    variants = ProductVariant.objects.filter(stocks__isnull=True).select_related("product__producer")
    made = 0
    for variant in variants:
        producer = variant.product.producer
        location, _ = StockLocation.objects.get_or_create(
            producer=producer,
            kind=StockLocation.Kind.WAREHOUSE,
            defaults={
                "name": f"Kho {producer.name}"[:200],
                "province_id": producer.province_id,
                "commune_id": producer.commune_id,
            },
        )
        Stock.objects.create(variant=variant, location=location, quantity=_quantity(variant.sku))
        made += 1
    stdout(f"inventory: {made} stock rows added")
