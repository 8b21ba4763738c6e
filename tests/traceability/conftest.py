"""Fixtures: a listed product with a GTIN-13 variant, a lot with a journey, producer staff and their token."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from marketplace.accounts.tokens import issue_token
from tests.factories import ListedProductFactory, ProducerStaffFactory, UserFactory
from traceability import digital_link, services
from traceability.models import TraceLocation

GTIN13 = digital_link.with_check_digit("893860012345")  # Vietnam prefix 893
GTIN14 = GTIN13.zfill(14)


@pytest.fixture
def product(db: Any) -> Any:
    product = ListedProductFactory(name="Nước mắm Ba Làng")
    variant = product.variants.get()
    variant.gtin = GTIN13
    variant.save()
    return product


@pytest.fixture
def staff(product: Any) -> Any:
    return ProducerStaffFactory(producer=product.producer).user


@pytest.fixture
def stranger(db: Any) -> Any:
    return ProducerStaffFactory().user


@pytest.fixture
def lot(product: Any, staff: Any) -> Any:
    variant = product.variants.get()
    lot = services.create_lot(
        user=staff,
        variant=variant,
        code="L2026-07",
        production_date=datetime.date(2026, 7, 1),
        expiry_date=datetime.date(2028, 6, 30),
        quantity=500,
        origin_site="Làng chài Ba Làng",
        raw_materials="Cá cơm, muối biển",
        standards=["VietGAP", "TCCS"],
    )
    workshop = TraceLocation.objects.create(name="Xưởng ủ chượp Ba Làng", kind="workshop", producer=product.producer)
    services.record_event(
        user=staff,
        event_type="ObjectEvent",
        action="ADD",
        biz_step="commissioning",
        disposition="active",
        lots=[{"lot": lot, "role": "object", "quantity": 500, "uom": "LTR"}],
        event_time=timezone.make_aware(datetime.datetime(2026, 7, 1, 8, 0)),
        read_point=workshop,
        biz_location=workshop,
        note="Đóng chai lô mới",
    )
    return lot


@pytest.fixture
def token_for() -> Any:
    return issue_token


@pytest.fixture
def program_office(db: Any) -> Any:
    return UserFactory(is_staff=True, is_superuser=True)


def scan(client: Any, url: str, **extra: Any) -> Any:
    """GET a code's page, then flush the scan buffer (a no-op without Redis) as the periodic task would."""
    response = client.get(url, **extra)
    services.flush_scan_buffer()
    return response


@pytest.fixture(autouse=True)
def _fresh_local_pages() -> Any:
    # Per-worker page copies live in process memory: no test may see another's.
    from traceability import cache as trace_cache

    trace_cache._local.clear()
    services._pending.clear()
    yield
    trace_cache._local.clear()
    services._pending.clear()
