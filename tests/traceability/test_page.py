"""The public lot page: Circular 02/2024 fields, certificate status, i18n, cache and its invalidation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.catalog.models import Certification
from marketplace.inventory.models import Stock, StockLocation
from tests.traceability.conftest import GTIN14
from traceability import services
from traceability.models import ScanLog

pytestmark = pytest.mark.django_db
URL = f"/01/{GTIN14}/10/L2026-07"


def test_minimum_fields(client: Any, lot: Any) -> None:
    product = lot.variant.product
    cert = product.current_certification
    body = client.get(URL).content.decode()
    for text in [
        product.name,  # name
        product.producer.name,  # producer
        product.producer.province.name,  # address
        "L2026-07",  # lot code
        "01/07/2026",  # production date
        "30/06/2028",  # expiry
        "VietGAP",  # standards
        "TCCS",
        cert.decision_number,
        cert.valid_until.strftime("%d/%m/%Y"),
        "★★★★",
        "Còn hiệu lực",
        "Đưa vào sản xuất",  # the journey
        "Xưởng ủ chượp Ba Làng",
        f"/san-pham/{product.slug}/",  # where to buy
        "Cá cơm, muối biển",
    ]:
        assert text in body, text
    assert "<script" not in body


def test_english(client: Any, lot: Any) -> None:
    body = client.get(URL + "?lang=en").content.decode()
    assert "Production date" in body and "Journey" in body and "Commissioned" in body
    body = client.get(URL, headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert "Expiry date" in body
    assert 'lang="en"' in body


@pytest.mark.parametrize(
    ("status", "text"),
    [(Certification.Status.REVOKED, "ĐÃ BỊ THU HỒI"), (Certification.Status.EXPIRED, "ĐÃ HẾT HIỆU LỰC")],
)
def test_lapsed_certificate_is_said_in_red(client: Any, lot: Any, status: str, text: str) -> None:
    client.get(URL)  # warm the cache first: the change must show anyway
    cert = lot.variant.product.current_certification
    cert.status = status
    cert.save()
    body = client.get(URL).content.decode()
    assert f'<span class="bad">{text}' in body
    assert "Mua trên chợ OCOP" not in body  # not listed any more: no storefront link


def test_certificate_past_valid_until_is_expired(client: Any, lot: Any) -> None:
    cert = lot.variant.product.current_certification
    Certification.objects.filter(pk=cert.pk).update(
        decision_date=datetime.date(2020, 1, 1), valid_until=datetime.date(2023, 1, 1)
    )
    body = client.get(URL + "?lang=en").content.decode()
    assert "EXPIRED — the OCOP certificate is no longer valid." in body


def test_sales_points_stocking_it(client: Any, lot: Any) -> None:
    kiosk = StockLocation.objects.create(
        name="Ki-ốt OCOP sân bay Thọ Xuân", kind=StockLocation.Kind.SALES_POINT, street_address="Sân bay Thọ Xuân"
    )
    Stock.objects.create(variant=lot.variant, location=kiosk, quantity=12)
    assert "Ki-ốt OCOP sân bay Thọ Xuân" in client.get(URL).content.decode()


def test_warm_page_reads_nothing_about_the_lot(client: Any, lot: Any) -> None:
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert "traceability_traceevent" not in tables and "catalog_certification" not in tables
    services.flush_scan_buffer()
    assert ScanLog.objects.filter(lot=lot).count() == 2  # both scans logged, cache or not


def test_new_event_invalidates_the_cached_page(client: Any, lot: Any, staff: Any) -> None:
    assert "Xuất hàng" not in client.get(URL).content.decode()
    services.record_event(
        user=staff,
        event_type="ObjectEvent",
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        lots=[{"lot": lot}],
        event_time=timezone.now(),
    )
    assert "Xuất hàng" in client.get(URL).content.decode()


def test_lot_change_invalidates_the_cached_page(client: Any, lot: Any, staff: Any) -> None:
    client.get(URL)
    services.update_lot(user=staff, lot=lot, expiry_date=datetime.date(2028, 12, 31))
    assert "31/12/2028" in client.get(URL).content.decode()


def test_cached_per_language(client: Any, lot: Any) -> None:
    assert "Hạn sử dụng" in client.get(URL).content.decode()
    assert "Expiry date" in client.get(URL + "?lang=en").content.decode()
    assert "Hạn sử dụng" in client.get(URL + "?lang=vi").content.decode()


def test_scan_log_keeps_no_raw_ip(client: Any, lot: Any) -> None:
    client.get(URL + "?k=12345", REMOTE_ADDR="203.0.113.77")
    services.flush_scan_buffer()
    scan = ScanLog.objects.get()
    values = " ".join(str(v) for v in ScanLog.objects.values_list().get())
    assert "203.0.113" not in values
    assert len(scan.client_hash) == 32


@pytest.mark.redis
@pytest.mark.postgres
def test_with_redis_a_warm_page_costs_no_sql_and_scans_are_buffered(client: Any, lot: Any) -> None:
    services.flush_scan_buffer()
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert queries.captured_queries == []
    assert ScanLog.objects.count() == 0
    assert services.flush_scan_buffer() == 2
    assert ScanLog.objects.filter(lot=lot).count() == 2


@pytest.mark.redis
def test_flush_task_moves_buffered_scans(client: Any, lot: Any) -> None:
    from traceability.tasks import flush_scans

    client.get(URL)
    client.get(URL + "?lang=en")
    assert flush_scans() == 2
    assert flush_scans() == 0
    assert ScanLog.objects.filter(lot=lot).count() == 2


def test_local_copy_expires(client: Any, lot: Any, settings: Any) -> None:
    from traceability import cache as trace_cache

    settings.TRACEABILITY_LOCAL_TTL = 0.2
    client.get(URL)
    key = next(iter(trace_cache._local))
    assert trace_cache._local_get(key) is not None
    trace_cache._local[key] = (0.0, trace_cache._local[key][1])  # as if the TTL had passed
    assert trace_cache._local_get(key) is None
    assert client.get(URL).status_code == 200
