"""The resolver: 400 for bad syntax, 404 for unknown, 301 to canonical, link types, linkset, well-known."""

from __future__ import annotations

from typing import Any

import pytest

from tests.traceability.conftest import GTIN13, GTIN14

BAD_GTIN = GTIN14[:-1] + str((int(GTIN14[-1]) + 1) % 10)

pytestmark = pytest.mark.django_db


def test_default_is_the_human_page(client: Any, lot: Any) -> None:
    response = client.get(f"/01/{GTIN14}/10/L2026-07")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Nước mắm Ba Làng" in response.content.decode()
    assert 'rel="linkset"' in response["Link"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_expiry_attribute_is_accepted(client: Any, lot: Any) -> None:
    assert client.get(f"/01/{GTIN14}/10/L2026-07?17=280630").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/01/{BAD_GTIN}/10/L2026-07",  # check digit
        f"/01/{GTIN14}/21/S1/10/L2026-07",  # order
        f"/01/{GTIN14}/10/L%202026",  # space: outside CSET 82
        f"/01/{GTIN14}/10/L2026-07?10=L2026-07",  # qualifier in the query
        f"/01/{GTIN14}/10/L2026-07?17=281340",  # bad date
        f"/01/{GTIN14}/10/{'A' * 21}",  # too long
    ],
)
def test_invalid_is_400_with_a_clear_page(client: Any, lot: Any, path: str) -> None:
    response = client.get(path, headers={"accept-language": "en"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Invalid QR code" in body
    assert "<p>" in body


def test_invalid_in_vietnamese(client: Any, db: Any) -> None:
    response = client.get(f"/01/{BAD_GTIN}/10/X")
    assert response.status_code == 400
    assert "sai số kiểm tra" in response.content.decode()


def test_unknown_is_404(client: Any, lot: Any) -> None:
    assert client.get(f"/01/{GTIN14}/10/NOPE").status_code == 404
    assert client.get("/01/09520123456788/10/L2026-07").status_code == 404
    assert client.get(f"/01/{GTIN14}/21/NOSERIAL").status_code == 404


def test_short_gtin_redirects_to_canonical(client: Any, lot: Any) -> None:
    response = client.get(f"/01/{GTIN13}/10/L2026-07?17=280630")
    assert response.status_code == 301
    assert response["Location"] == f"/01/{GTIN14}/10/L2026-07?17=280630"
    assert client.get(f"/01/{GTIN14}/10/L2026-07/").status_code == 301


def test_pip_goes_to_the_storefront(client: Any, lot: Any) -> None:
    response = client.get(f"/01/{GTIN14}/10/L2026-07?linkType=gs1:pip")
    assert response.status_code == 307
    assert response["Location"] == f"/san-pham/{lot.variant.product.slug}/"


def test_pip_of_an_unlisted_product_is_404(client: Any, lot: Any) -> None:
    product = lot.variant.product
    product.is_published = False
    product.save()
    assert client.get(f"/01/{GTIN14}/10/L2026-07?linkType=gs1:pip").status_code == 404


def test_traceability_link_type_is_epcis_jsonld(client: Any, lot: Any) -> None:
    response = client.get(f"/01/{GTIN14}/10/L2026-07?linkType=gs1:traceability")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    body = response.json()
    assert body["type"] == "EPCISDocument"
    assert body["epcisBody"]["eventList"][0]["bizStep"] == "commissioning"


@pytest.mark.parametrize("how", ["query", "accept"])
def test_linkset(client: Any, lot: Any, how: str) -> None:
    url = f"/01/{GTIN14}/10/L2026-07"
    if how == "query":
        response = client.get(url + "?linkType=linkset")
    else:
        response = client.get(url, headers={"accept": "application/linkset+json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/linkset+json"
    entry = response.json()["linkset"][0]
    assert entry["anchor"].endswith(url)
    for key in ("defaultLink", "pip", "traceability", "certificationInfo"):
        link = entry[f"https://gs1.org/voc/{key}"][0]
        assert link["href"] and link["title"] and link["type"]


def test_unknown_link_type_is_404(client: Any, lot: Any) -> None:
    assert client.get(f"/01/{GTIN14}/10/L2026-07?linkType=gs1:recipeInfo").status_code == 404


def test_well_known(client: Any, db: Any) -> None:
    body = client.get("/.well-known/gs1resolver").json()
    assert body["supportedPrimaryKeys"] == ["01"]
    assert {t["linkType"] for t in body["supportedLinkTypes"]} >= {"pip", "traceability", "defaultLink"}


def test_options_for_cors(client: Any, db: Any) -> None:
    response = client.options(f"/01/{GTIN14}/10/L2026-07")
    assert response.status_code == 204
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_unknown_lots_are_negatively_cached_until_created(client: Any, lot: Any, staff: Any) -> None:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from traceability import services

    url = f"/01/{GTIN14}/10/LATER"
    assert client.get(url).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 404
    assert not [q for q in queries.captured_queries if "traceability_lot" in q["sql"]]
    services.create_lot(user=staff, variant=lot.variant, code="LATER", production_date=datetime.date(2026, 8, 1))
    assert client.get(url).status_code == 200


def test_rate_limited(client: Any, lot: Any, settings: Any) -> None:
    settings.TRACEABILITY_RATE_LIMIT = "3/h"  # an hour window: never straddles a window edge
    codes = [client.get(f"/01/{GTIN14}/10/L2026-07").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
