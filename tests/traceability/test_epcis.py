"""EPCIS 2.0: the export validates against GS1's JSON Schema; capture checks schema, ownership, all-or-nothing."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from django.utils import timezone

from tests.factories import ListedProductFactory
from tests.traceability.conftest import GTIN14
from traceability import digital_link, epcis, services
from traceability.models import EventLot, Lot, TraceEvent, TraceLocation

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parent.parent / "fixtures" / "epcis" / "EPCIS-JSON-Schema.json").read_text())
VALIDATE = fastjsonschema.compile(SCHEMA)
BASE = "http://127.0.0.1:8000"


def _journey(lot: Any, staff: Any) -> Lot:
    """Raw fish lot → transformed into the bottled lot, packed, shipped to the airport kiosk."""
    raw = services.create_lot(
        user=staff, variant=lot.variant, code="RAW-01", production_date=datetime.date(2026, 1, 5), quantity=900
    )
    kiosk = TraceLocation.objects.create(
        name="Ki-ốt sân bay Thọ Xuân", kind="sales_point", gln=digital_link.with_check_digit("893860000001")
    )
    t0 = timezone.now() - datetime.timedelta(days=3)
    services.record_event(
        user=staff,
        event_type="TransformationEvent",
        biz_step="commissioning",
        lots=[
            {"lot": raw, "role": "input", "quantity": 900, "uom": "KGM"},
            {"lot": lot, "role": "output", "quantity": 500, "uom": "LTR"},
        ],
        event_time=t0,
    )
    services.record_event(
        user=staff,
        event_type="AggregationEvent",
        action="ADD",
        biz_step="packing",
        disposition="in_progress",
        parent_id="https://id.gs1.org/00/389386000000000018",
        lots=[{"lot": lot, "role": "child", "quantity": 24}],
        event_time=t0 + datetime.timedelta(hours=5),
    )
    services.record_event(
        user=staff,
        event_type="ObjectEvent",
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        lots=[{"lot": lot, "quantity": 24}],
        event_time=t0 + datetime.timedelta(days=1),
        biz_location=kiosk,
    )
    return raw


def test_export_validates_against_the_official_schema(client: Any, lot: Any, staff: Any) -> None:
    _journey(lot, staff)
    document = client.get(f"/01/{GTIN14}/10/L2026-07?linkType=gs1:traceability").json()
    VALIDATE(document)
    types = [e["type"] for e in document["epcisBody"]["eventList"]]
    assert types == ["ObjectEvent", "TransformationEvent", "AggregationEvent", "ObjectEvent"]
    transformation = document["epcisBody"]["eventList"][1]
    assert "action" not in transformation
    assert transformation["inputQuantityList"][0]["uom"] == "KGM"
    assert transformation["outputQuantityList"][0]["epcClass"] == f"{BASE}/01/{GTIN14}/10/L2026-07"
    shipping = document["epcisBody"]["eventList"][3]
    assert shipping["eventTimeZoneOffset"] == "+07:00" and shipping["eventTime"].endswith("+07:00")
    assert shipping["bizLocation"]["id"].startswith("https://id.gs1.org/414/893860000001")


def test_schema_catches_a_misspelt_biz_step(lot: Any) -> None:
    document = epcis.document(TraceEvent.objects.all())
    document["epcisBody"]["eventList"][0]["bizStep"] = "shiping"
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        VALIDATE(document)


def _capture_doc(lot_code: str = "L2026-07", **changes: Any) -> dict:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-11-28T08:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "sellable_accessible",
        "quantityList": [{"epcClass": f"https://id.gs1.org/01/{GTIN14}/10/{lot_code}", "quantity": 12}],
        "readPoint": {"id": "https://id.gs1.org/414/8938600000019"},
    }
    event.update(changes)
    return {
        "@context": [epcis.EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-28T09:00:00+07:00",
        "epcisBody": {"eventList": [event]},
    }


def _post(client: Any, token: str | None, document: Any) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = document if isinstance(document, str) else json.dumps(document)
    return client.post("/truy-xuat/capture", data=body, content_type="application/json", headers=headers)


def test_capture_own_lot(client: Any, lot: Any, staff: Any, token_for: Any) -> None:
    response = _post(client, token_for(staff), _capture_doc(eventID="urn:uuid:6a1b4a3c-0000-4000-8000-000000000001"))
    assert response.status_code == 201, response.content
    assert response.json()["captured"] == 1
    event = TraceEvent.objects.get(event_id="urn:uuid:6a1b4a3c-0000-4000-8000-000000000001")
    assert event.biz_step == "receiving" and event.read_point_uri.endswith("8938600000019")
    assert EventLot.objects.get(event=event).quantity == 12
    # Same eventID again: idempotent.
    again = _post(client, token_for(staff), _capture_doc(eventID="urn:uuid:6a1b4a3c-0000-4000-8000-000000000001"))
    assert again.status_code == 201
    assert TraceEvent.objects.filter(event_id__startswith="urn:uuid:6a1b4a3c").count() == 1
    # The page shows it.
    assert "Nhận hàng" in client.get(f"/01/{GTIN14}/10/L2026-07").content.decode()


def test_capture_needs_authentication(client: Any, lot: Any) -> None:
    assert _post(client, None, _capture_doc()).status_code == 401


def test_malformed_names_the_failing_path(client: Any, lot: Any, staff: Any, token_for: Any) -> None:
    response = _post(client, token_for(staff), _capture_doc(bizStep="shiping"))
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "$.epcisBody.eventList[0].bizStep"
    response = _post(client, token_for(staff), _capture_doc(eventTime="yesterday"))
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "$.epcisBody.eventList[0].eventTime"
    response = _post(client, token_for(staff), "{not json")
    assert response.status_code == 400
    response = _post(client, token_for(staff), _capture_doc(lot_code="UNKNOWN"))
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "$.epcisBody.eventList[0].quantityList[0].epcClass"
    bad_gtin = GTIN14[:-1] + str((int(GTIN14[-1]) + 1) % 10)
    doc = _capture_doc()
    doc["epcisBody"]["eventList"][0]["quantityList"][0]["epcClass"] = f"https://id.gs1.org/01/{bad_gtin}/10/L1"
    response = _post(client, token_for(staff), doc)
    assert response.status_code == 400 and "số kiểm tra" in response.json()["error"]["message"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # error messages follow the request's language
    response = _post(client, token_for(staff), doc)
    assert response.status_code == 400 and "check digit" in response.json()["error"]["message"]
    assert TraceEvent.objects.count() == 1  # only the fixture's


def test_another_producers_lot_is_403_and_nothing_is_kept(
    client: Any, lot: Any, stranger: Any, staff: Any, token_for: Any
) -> None:
    own_product = ListedProductFactory(producer=stranger.producer_memberships.get().producer)
    own_variant = own_product.variants.get()
    own_variant.gtin = digital_link.with_check_digit("893860099999")
    own_variant.save()
    own_lot = services.create_lot(
        user=stranger, variant=own_variant, code="MINE", production_date=datetime.date(2026, 1, 1)
    )
    document = _capture_doc()
    mine = copy.deepcopy(document["epcisBody"]["eventList"][0])
    mine["quantityList"] = [{"epcClass": f"https://x.vn/01/{own_variant.gtin.zfill(14)}/10/{own_lot.code}"}]
    document["epcisBody"]["eventList"].insert(0, mine)  # first event is fine, second is someone else's
    response = _post(client, token_for(stranger), document)
    assert response.status_code == 403
    assert not TraceEvent.objects.filter(producer=own_product.producer).exists()


def test_session_auth(client: Any, lot: Any, staff: Any) -> None:
    client.force_login(staff)
    assert _post(client, None, _capture_doc()).status_code == 201


def test_record_event_validates(lot: Any, staff: Any) -> None:
    from marketplace.core.errors import DomainError

    with pytest.raises(DomainError) as info:
        services.record_event(
            user=staff, event_type="TransformationEvent", action="ADD", lots=[{"lot": lot}], event_time=timezone.now()
        )
    assert {e.field for e in info.value.as_list()} == {"action", "lots"}
    with pytest.raises(DomainError):
        services.record_event(
            user=staff,
            event_type="ObjectEvent",
            action="ADD",
            lots=[{"lot": lot}],
            event_time=timezone.now(),
            event_timezone_offset="7:00",
        )
