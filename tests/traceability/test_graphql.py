"""GraphQL: lot(gtin, lot) with events and certification; lotCreate / traceEventRecord for own products only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test.utils import override_settings
from graphql_relay import to_global_id

from tests.traceability.conftest import GTIN13, GTIN14, scan
from traceability import services
from traceability.models import Lot, SerialUnit, TraceEvent

pytestmark = pytest.mark.django_db

LOT_QUERY = """
query($gtin: String!, $lot: String!) {
  lot(gtin: $gtin, lot: $lot) {
    code gtin uri productName productionDate expiryDate standards
    certification { stars decisionNumber validUntil state }
    events { type bizStep eventTimeZoneOffset location epcis }
    qrPngUrl labelPdfUrl flaggedSerials { serial flag scanCount }
  }
}"""


def test_public_lot_query(gql: Any, lot: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(8):
        data = gql.execute(LOT_QUERY, {"gtin": GTIN13, "lot": "L2026-07"})["lot"]
    assert data["gtin"] == GTIN14
    assert data["uri"].endswith(f"/01/{GTIN14}/10/L2026-07?17=280630")
    assert data["certification"]["stars"] == 4 and data["certification"]["state"] == "valid"
    assert data["events"][0]["bizStep"] == "commissioning"
    assert data["events"][0]["epcis"]
    assert data["standards"] == ["VietGAP", "TCCS"]
    assert data["qrPngUrl"] is None and data["labelPdfUrl"] is None and data["flaggedSerials"] == []
    assert gql.execute(LOT_QUERY, {"gtin": GTIN13, "lot": "NOPE"})["lot"] is None
    assert gql.execute(LOT_QUERY, {"gtin": "123", "lot": "L2026-07"})["lot"] is None


@override_settings(TRACEABILITY_MAX_SCANS_PER_SERIAL=1)
def test_staff_see_downloads_and_flags(gql: Any, client: Any, lot: Any, staff: Any, token_for: Any) -> None:
    services.create_serials(user=staff, lot=lot, serials=["A1"])
    scan(client, f"/01/{GTIN14}/21/A1")
    scan(client, f"/01/{GTIN14}/21/A1")
    gql.authenticate(token_for(staff))
    data = gql.execute(LOT_QUERY, {"gtin": GTIN14, "lot": "L2026-07"})["lot"]
    assert data["qrPngUrl"].endswith(f"/truy-xuat/lo/{lot.pk}/qr.png")
    assert data["labelPdfUrl"].endswith(f"/truy-xuat/lo/{lot.pk}/nhan.pdf")
    assert data["flaggedSerials"] == [{"serial": "A1", "flag": "many_scans", "scanCount": 2}]
    flagged = gql.execute("{ traceabilityFlaggedSerials { serial lotCode productName flag } }")
    assert flagged["traceabilityFlaggedSerials"][0]["serial"] == "A1"


def test_flagged_serials_are_private(gql: Any, lot: Any, staff: Any, stranger: Any, token_for: Any) -> None:
    unit = services.create_serials(user=staff, lot=lot, serials=["A1"])[0]
    SerialUnit.objects.filter(pk=unit.pk).update(flag="many_scans")
    assert gql.execute("{ traceabilityFlaggedSerials { serial } }")["traceabilityFlaggedSerials"] == []
    gql.authenticate(token_for(stranger))
    assert gql.execute("{ traceabilityFlaggedSerials { serial } }")["traceabilityFlaggedSerials"] == []


LOT_CREATE = """
mutation($input: LotCreateInput!) {
  lotCreate(input: $input) { lot { code gtin standards } errors { field message code } }
}"""


def test_lot_create(gql: Any, product: Any, staff: Any, stranger: Any, token_for: Any) -> None:
    variables = {
        "input": {
            "variantId": to_global_id("ProductVariant", str(product.variants.get().pk)),
            "code": "L-2026/08",
            "productionDate": "2026-08-01",
            "expiryDate": "2028-08-01",
            "standards": ["vietgap", "organic"],
        }
    }
    gql.authenticate(token_for(stranger))
    result = gql.execute(LOT_CREATE, variables)["lotCreate"]
    assert result["errors"][0]["code"] == "PERMISSION_DENIED" and not Lot.objects.exists()
    gql.authenticate(token_for(staff))
    result = gql.execute(LOT_CREATE, variables)["lotCreate"]
    assert result["errors"] == []
    assert result["lot"] == {"code": "L-2026/08", "gtin": GTIN14, "standards": ["VietGAP", "organic"]}
    again = gql.execute(LOT_CREATE, variables)["lotCreate"]
    assert again["errors"][0]["code"] == "UNIQUE"
    bad = dict(variables["input"], code="L 1", expiryDate="2026-01-01", standards=["ISO9999"])
    errors = gql.execute(LOT_CREATE, {"input": bad})["lotCreate"]["errors"]
    assert {e["field"] for e in errors} == {"code", "expiryDate", "standards"}
    assert {e["code"] for e in errors} == {"INVALID"}


EVENT_RECORD = """
mutation($input: TraceEventRecordInput!) {
  traceEventRecord(input: $input) { event { type bizStep eventTimeZoneOffset } errors { field message code } }
}"""


def test_trace_event_record(gql: Any, lot: Any, staff: Any, stranger: Any, token_for: Any) -> None:
    variables = {
        "input": {
            "type": "OBJECT_EVENT",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "disposition": "in_transit",
            "eventTime": "2026-11-28T08:30:00+07:00",
            "lots": [{"gtin": GTIN14, "lot": "L2026-07", "quantity": 24}],
        }
    }
    gql.authenticate(token_for(stranger))
    errors = gql.execute(EVENT_RECORD, variables)["traceEventRecord"]["errors"]
    assert errors[0]["code"] == "PERMISSION_DENIED"
    gql.authenticate(token_for(staff))
    result = gql.execute(EVENT_RECORD, variables)["traceEventRecord"]
    assert result["errors"] == [] and result["event"]["bizStep"] == "shipping"
    assert TraceEvent.objects.filter(biz_step="shipping").count() == 1
    bad = {"input": dict(variables["input"], bizStep="shiping")}
    assert gql.execute(EVENT_RECORD, bad)["traceEventRecord"]["errors"][0]["field"] == "bizStep"
    missing = {"input": dict(variables["input"], lots=[{"gtin": GTIN14, "lot": "X"}])}
    assert gql.execute(EVENT_RECORD, missing)["traceEventRecord"]["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("count", [1, 10])
def test_flagged_serials_cost_constant_queries(
    gql: Any, lot: Any, staff: Any, token_for: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    units = services.create_serials(user=staff, lot=lot, serials=[f"F{i}" for i in range(count)])
    SerialUnit.objects.filter(pk__in=[u.pk for u in units]).update(flag="many_scans")
    gql.authenticate(token_for(staff))
    with django_assert_max_num_queries(4):
        data = gql.execute("{ traceabilityFlaggedSerials { serial lotCode productName qrPngUrl } }")
    assert len(data["traceabilityFlaggedSerials"]) == count
