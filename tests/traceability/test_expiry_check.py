"""A printed expiry (?17=YYMMDD) is checked against the lot's registered one: a mismatch is warned and flagged."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.traceability.conftest import GTIN14, scan
from traceability import digital_link, services, signing
from traceability.models import ScanLog, SerialUnit

pytestmark = pytest.mark.django_db

WARNING_VI = "không khớp với hạn đã đăng ký"
WARNING_EN = "does not match the one registered"


def test_expiry_matches_rules() -> None:
    registered = datetime.date(2028, 6, 30)
    assert digital_link.expiry_matches("280630", registered)
    assert digital_link.expiry_matches("280600", registered)  # day 00: the month is what is printed
    assert not digital_link.expiry_matches("280629", registered)
    assert not digital_link.expiry_matches("290630", registered)
    assert not digital_link.expiry_matches("280500", registered)
    assert not digital_link.expiry_matches("280630", None)  # a date printed on a lot registered without one


def test_matching_date_shows_no_warning(client: Any, lot: Any) -> None:
    response = scan(client, f"/01/{GTIN14}/10/L2026-07?17=280630")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nước mắm Ba Làng" in body and WARNING_VI not in body
    assert ScanLog.objects.get().printed_expiry is None


def test_mismatched_date_is_warned_in_both_languages_and_logged(client: Any, lot: Any) -> None:
    body = scan(client, f"/01/{GTIN14}/10/L2026-07?17=291231").content.decode()
    assert WARNING_VI in body and "có thể mã đã bị sửa" in body
    assert "31/12/2029" in body and "30/06/2028" in body  # printed and registered
    english = scan(client, f"/01/{GTIN14}/10/L2026-07?17=291231&lang=en").content.decode()
    assert WARNING_EN in english and "tampered" in english
    assert list(ScanLog.objects.values_list("printed_expiry", flat=True)) == [datetime.date(2029, 12, 31)] * 2
    # The plain lot page (no date in the code) is not affected, even though pages are cached.
    assert WARNING_VI not in scan(client, f"/01/{GTIN14}/10/L2026-07").content.decode()
    assert WARNING_VI not in scan(client, f"/01/{GTIN14}/10/L2026-07?17=280630").content.decode()


def test_invalid_expiry_is_still_a_400(client: Any, lot: Any) -> None:
    assert scan(client, f"/01/{GTIN14}/10/L2026-07?17=281340").status_code == 400


def test_a_serial_scanned_with_a_wrong_date_is_flagged(client: Any, lot: Any, staff: Any) -> None:
    unit = services.create_serials(user=staff, lot=lot, serials=["A0001"])[0]
    tag = signing.serial_tag(GTIN14, "A0001")
    ok = scan(client, f"/01/{GTIN14}/21/A0001?17=280630&s={tag}").content.decode()
    assert "Chính hãng" in ok and WARNING_VI not in ok
    unit.refresh_from_db()
    assert unit.flag == ""
    bad = scan(client, f"/01/{GTIN14}/21/A0001?17=300101&s={tag}").content.decode()
    assert WARNING_VI in bad and "01/01/2030" in bad
    unit.refresh_from_db()
    assert unit.flag == SerialUnit.Flag.EXPIRY_MISMATCH and unit.flagged_at is not None
    assert list(services_flagged(staff)) == [unit.pk]


def services_flagged(user: Any) -> list[int]:
    from traceability.selectors import flagged_serials_for_user

    return list(flagged_serials_for_user(user).values_list("pk", flat=True))
