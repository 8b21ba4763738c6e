from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tests.factories import ListedProductFactory
from traceability.models import Lot, TraceEvent

pytestmark = pytest.mark.django_db


def test_demo_does_nothing_without_products() -> None:
    from traceability.demo import load_traceability_demo

    load_traceability_demo(lambda line: None)
    assert Lot.objects.count() == 0


def test_demo_lots_are_idempotent_and_resolve(client: Any) -> None:
    product = ListedProductFactory()
    call_command("load_demo")
    call_command("load_demo")
    lots = Lot.objects.filter(variant__product=product)
    assert lots.count() == 2
    assert TraceEvent.objects.filter(lots__in=lots).distinct().count() == 10
    variant = product.variants.get()
    assert variant.gtin.startswith("893") and len(variant.gtin) == 13
    body = client.get(f"/01/{variant.gtin.zfill(14)}/10/DEMO-A").content.decode()
    assert "Ki-ốt OCOP Cảng hàng không Thọ Xuân" in body
    assert "Nhận hàng" in body
