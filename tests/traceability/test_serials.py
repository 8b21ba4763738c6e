"""Anti-counterfeit: HMAC tags on serials, scan counting, many-scans and impossible-travel flags."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from marketplace.inventory.models import StockLocation
from tests.traceability.conftest import GTIN14, scan
from traceability import labels, services, signing
from traceability.models import ScanLog, SerialUnit, TraceLocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(lot: Any, staff: Any) -> SerialUnit:
    return services.create_serials(user=staff, lot=lot, serials=["A0001", "A0002"])[0]


def test_tag_is_short_and_constant_time_checked() -> None:
    tag = signing.serial_tag(GTIN14, "A0001")
    assert len(tag) == 10
    assert signing.verify_serial_tag(GTIN14, "A0001", tag)
    assert not signing.verify_serial_tag(GTIN14, "A0002", tag)
    assert not signing.verify_serial_tag(GTIN14, "A0001", tag[:-1] + ("A" if tag[-1] != "A" else "B"))
    assert not signing.verify_serial_tag(GTIN14, "A0001", "")
    with override_settings(SECRET_KEY="another"):
        assert signing.serial_tag(GTIN14, "A0001") != tag


def test_genuine_only_when_the_tag_verifies(client: Any, unit: SerialUnit) -> None:
    uri = labels.serial_uri(unit)
    path = uri.split("8000", 1)[1]
    body = scan(client, path).content.decode()
    assert "Chính hãng" in body and "A0001" in body
    assert "Nước mắm Ba Làng" in body
    forged = scan(client, f"/01/{GTIN14}/21/A0001?s=AAAAAAAAAA").content.decode()
    assert "Chính hãng" not in forged and "Không xác thực được" in forged
    bare = scan(client, f"/01/{GTIN14}/21/A0001?lang=en").content.decode()
    assert "Genuine" not in bare and "could not be verified" in bare
    assert ScanLog.objects.filter(serial=unit).values_list("tag_valid", flat=True).count() == 3


def test_serial_with_lot_in_path(client: Any, unit: SerialUnit) -> None:
    tag = signing.serial_tag(GTIN14, "A0001")
    assert scan(client, f"/01/{GTIN14}/10/L2026-07/21/A0001?s={tag}").status_code == 200
    assert scan(client, f"/01/{GTIN14}/10/OTHER/21/A0001").status_code == 404


@override_settings(TRACEABILITY_MAX_SCANS_PER_SERIAL=3)
def test_many_scans_flag_the_serial(client: Any, unit: SerialUnit) -> None:
    tag = signing.serial_tag(GTIN14, "A0001")
    url = f"/01/{GTIN14}/21/A0001?s={tag}"
    for _ in range(4):  # the 4th scan is one too many; the scan is logged after the page is served
        assert "có thể là hàng giả" not in scan(client, url).content.decode()
    unit.refresh_from_db()
    assert unit.flag == SerialUnit.Flag.MANY_SCANS and unit.scan_count == 4
    body = scan(client, url).content.decode()
    assert "có thể là hàng giả" in body
    assert "it may be a copy" in scan(client, url + "&lang=en").content.decode()
    # The sibling serial is not affected.
    other = SerialUnit.objects.get(serial="A0002")
    assert "có thể là hàng giả" not in scan(client, f"/01/{GTIN14}/21/{other.serial}").content.decode()


def _kiosk(name: str, gln: str, lat: float, lon: float) -> StockLocation:
    location = StockLocation.objects.create(name=name, kind=StockLocation.Kind.SALES_POINT, gln=gln)
    TraceLocation.objects.create(name=name, kind="sales_point", stock_location=location, latitude=lat, longitude=lon)
    return location


def test_impossible_travel_flags_the_serial(unit: SerialUnit) -> None:
    _kiosk("Ki-ốt sân bay Thọ Xuân", "8938600000019", 19.9017, 105.4678)
    _kiosk("Điểm bán OCOP TP HCM", "8938600000026", 10.7769, 106.7009)
    now = timezone.now().timestamp()
    base = {"lot": unit.lot_id, "serial": unit.pk, "h": "x", "lang": "vi", "tag": True}
    services.record_scans([{**base, "t": now - 1200, "k": "8938600000019"}])
    unit.refresh_from_db()
    assert unit.flag == ""
    services.record_scans([{**base, "t": now, "k": "8938600000026"}])  # ~1,000 km in 20 minutes
    unit.refresh_from_db()
    assert unit.flag == SerialUnit.Flag.IMPOSSIBLE_TRAVEL
    assert ScanLog.objects.filter(serial=unit, sales_point__gln="8938600000026").exists()


def test_plausible_travel_is_not_flagged(unit: SerialUnit) -> None:
    _kiosk("Ki-ốt sân bay Thọ Xuân", "8938600000019", 19.9017, 105.4678)
    _kiosk("Điểm bán OCOP TP HCM", "8938600000026", 10.7769, 106.7009)
    now = timezone.now().timestamp()
    base = {"lot": unit.lot_id, "serial": unit.pk, "h": "x", "lang": "vi", "tag": True}
    services.record_scans(
        [{**base, "t": now - 2 * 86400, "k": "8938600000019"}, {**base, "t": now, "k": "8938600000026"}]
    )
    unit.refresh_from_db()
    assert unit.flag == ""


def test_kiosk_from_query_parameter(client: Any, unit: SerialUnit) -> None:
    kiosk = _kiosk("Ki-ốt sân bay Thọ Xuân", "8938600000019", 19.9017, 105.4678)
    scan(client, f"/01/{GTIN14}/21/A0001?k=8938600000019")
    scan(client, f"/01/{GTIN14}/10/L2026-07?k={kiosk.pk}")
    assert ScanLog.objects.filter(sales_point=kiosk).count() == 2


@override_settings(TRACEABILITY_MAX_SCANS_PER_SERIAL=1)
def test_flag_shows_in_admin(client: Any, unit: SerialUnit, program_office: Any) -> None:
    for _ in range(2):
        scan(client, f"/01/{GTIN14}/21/A0001")
    client.force_login(program_office)
    response = client.get("/admin/traceability/serialunit/?flag=many_scans")
    assert response.status_code == 200
    assert "A0001" in response.content.decode() and "A0002" not in response.content.decode()


def test_serials_are_validated(lot: Any, staff: Any) -> None:
    from marketplace.core.errors import DomainError

    services.create_serials(user=staff, lot=lot, serials=["S1"])
    for bad in (["S1"], ["x y"], ["Z" * 21], ["S2", "S2"]):
        with pytest.raises(DomainError):
            services.create_serials(user=staff, lot=lot, serials=bad)


def test_expiry_in_the_past_is_flagged_on_the_page(client: Any, lot: Any, staff: Any) -> None:
    services.update_lot(
        user=staff, lot=lot, production_date=datetime.date(2020, 1, 1), expiry_date=datetime.date(2021, 1, 1)
    )
    assert "ĐÃ HẾT HẠN" in scan(client, f"/01/{GTIN14}/10/L2026-07").content.decode()
