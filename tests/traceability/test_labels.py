"""QR codes decode back to the exact URI (zxing-cpp); label sheets are A4 PDFs; downloads are staff-only."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.traceability.conftest import GTIN14
from traceability import labels, services

pytestmark = pytest.mark.django_db


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_lot_png_decodes_to_the_exact_uri(client: Any, lot: Any, staff: Any, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://cho-ocop.vn"
    client.force_login(staff)
    response = client.get(f"/truy-xuat/lo/{lot.pk}/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert _decode(response.content) == f"https://cho-ocop.vn/01/{GTIN14}/10/L2026-07?17=280630"
    svg = client.get(f"/truy-xuat/lo/{lot.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_serial_png_decodes_and_resolves_as_genuine(client: Any, lot: Any, staff: Any) -> None:
    unit = services.create_serials(user=staff, lot=lot, serials=["A/01"])[0]
    client.force_login(staff)
    uri = _decode(client.get(f"/truy-xuat/se-ri/{unit.pk}/qr.png").content)
    assert uri == labels.serial_uri(unit)
    assert "/21/A%2F01?s=" in uri
    client.logout()
    path = uri.split("8000", 1)[1]
    # WSGI servers decode %2F in PATH_INFO; the resolver reads gunicorn's RAW_URI (uWSGI: REQUEST_URI) instead.
    assert "Chính hãng" in client.get(path, RAW_URI=path).content.decode()


def test_label_sheet_pdf(client: Any, lot: Any, staff: Any) -> None:
    services.create_serials(user=staff, lot=lot, serials=[f"S{i:03d}" for i in range(30)])
    client.force_login(staff)
    response = client.get(f"/truy-xuat/lo/{lot.pk}/nhan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVu" in response.content  # the font is embedded
    serial_sheet = client.get(f"/truy-xuat/lo/{lot.pk}/nhan.pdf?serials=1").content
    assert (
        serial_sheet.count(b"/Type /Page\n") + serial_sheet.count(b"/Type /Page ") >= 2 or b"/Count 2" in serial_sheet
    )


def test_downloads_are_for_the_producers_staff(client: Any, lot: Any, stranger: Any) -> None:
    assert client.get(f"/truy-xuat/lo/{lot.pk}/qr.png").status_code == 401
    client.force_login(stranger)
    assert client.get(f"/truy-xuat/lo/{lot.pk}/qr.png").status_code == 403
    assert client.get(f"/truy-xuat/lo/{lot.pk}/nhan.pdf").status_code == 403
