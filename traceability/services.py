"""Every traceability write: lots, serials, events, EPCIS capture, the scan log and its anomaly flags.

Permissions are checked here: a producer's staff touch only their producer's lots (program office: all).
"""

from __future__ import annotations

import atexit
import datetime
import decimal
import itertools
import json
import math
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.core.errors import DomainError, DomainErrors, PermissionDeniedError
from marketplace.core.text import normalize_text
from marketplace.geo.models import Commune
from marketplace.inventory.models import StockLocation
from marketplace.producers.permissions import can_manage_producer, require_producer_staff
from traceability import cache as trace_cache
from traceability import digital_link, epcis
from traceability.models import EventLot, Lot, ScanLog, SerialUnit, Standard, TraceEvent, TraceLocation
from traceability.selectors import gtin_forms

# --- cache invalidation ----------------------------------------------------------------------------------------


def after_write(callback: Callable[[], Any]) -> None:
    """Bump now (so this request sees its change) and again on commit (so no reader re-caches pre-commit state)."""
    callback()
    transaction.on_commit(callback)


def invalidate_lots(lots: Iterable[Lot]) -> int:
    return trace_cache.invalidate((lot.variant.gtin, lot.code) for lot in lots)


def invalidate_lots_of_products(product_ids: Iterable[int]) -> int:
    pairs = Lot.objects.filter(variant__product_id__in=list(product_ids)).values_list("variant__gtin", "code")
    return trace_cache.invalidate(pairs)


# --- lots -------------------------------------------------------------------------------------------------------


def _check_lot_code(code: str) -> str:
    code = (code or "").strip()
    try:
        return digital_link.validate_ai_value("10", code)
    except digital_link.DigitalLinkError as exc:
        raise DomainError("INVALID", exc.localized(), field="code")


def _check_standards(standards: Sequence[str]) -> list[str]:
    allowed = {value.lower(): value for value in Standard.values}
    out = []
    for item in standards or []:
        value = allowed.get(normalize_text(item).lower())
        if value is None:
            raise DomainError(
                "INVALID", f"Unknown standard '{item}'; use one of {', '.join(Standard.values)}.", field="standards"
            )
        if value not in out:
            out.append(value)
    return out


@transaction.atomic
def create_lot(
    *,
    user: Any,
    variant: ProductVariant,
    code: str,
    production_date: datetime.date,
    expiry_date: datetime.date | None = None,
    quantity: int = 0,
    origin_commune: Commune | None = None,
    origin_site: str = "",
    raw_materials: str = "",
    standards: Sequence[str] = (),
    notes: str = "",
) -> Lot:
    require_producer_staff(user, variant.product.producer_id)
    errors = []
    try:
        code = _check_lot_code(code)
    except DomainError as exc:
        errors.append(exc)
    if expiry_date and expiry_date <= production_date:
        errors.append(DomainError("INVALID", _("Hạn sử dụng phải sau ngày sản xuất."), field="expiryDate"))
    if quantity < 0:
        errors.append(DomainError("INVALID", _("Số lượng không được âm."), field="quantity"))
    try:
        standards = _check_standards(standards)
    except DomainError as exc:
        errors.append(exc)
    if not variant.gtin:
        errors.append(DomainError("GTIN_MISSING", _("Hãy gán GTIN cho phiên bản trước khi tạo lô."), field="variant"))
    if errors:
        raise DomainErrors(errors)
    if Lot.objects.filter(variant=variant, code=code).exists():
        raise DomainError("UNIQUE", _("Lô “%(code)s” đã có cho phiên bản này.") % {"code": code}, field="code")
    lot = Lot.objects.create(
        variant=variant,
        code=code,
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity,
        origin_commune=origin_commune,
        origin_site=normalize_text(origin_site),
        raw_materials=normalize_text(raw_materials),
        standards=standards,
        notes=normalize_text(notes),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    after_write(lambda: invalidate_lots([lot]))
    return lot


@transaction.atomic
def update_lot(*, user: Any, lot: Lot, **changes: Any) -> Lot:
    require_producer_staff(user, lot.variant.product.producer_id)
    editable = {"production_date", "expiry_date", "quantity", "origin_site", "raw_materials", "notes", "standards"}
    unknown = set(changes) - editable
    if unknown:
        raise DomainError("INVALID", _("Không sửa được: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "standards" in changes:
        changes["standards"] = _check_standards(changes["standards"])
    for key, value in changes.items():
        setattr(lot, key, normalize_text(value) if isinstance(value, str) else value)
    if lot.expiry_date and lot.expiry_date <= lot.production_date:
        raise DomainError("INVALID", _("Hạn sử dụng phải sau ngày sản xuất."), field="expiryDate")
    lot.save()
    after_write(lambda: invalidate_lots([lot]))
    return lot


@transaction.atomic
def create_serials(*, user: Any, lot: Lot, serials: Sequence[str]) -> list[SerialUnit]:
    require_producer_staff(user, lot.variant.product.producer_id)
    cleaned = []
    for serial in serials:
        try:
            cleaned.append(digital_link.validate_ai_value("21", (serial or "").strip()))
        except digital_link.DigitalLinkError as exc:
            raise DomainError("INVALID", exc.localized(), field="serials")
    if len(set(cleaned)) != len(cleaned):
        raise DomainError("UNIQUE", _("Một số sê-ri xuất hiện hai lần."), field="serials")
    taken = set(SerialUnit.objects.filter(variant=lot.variant, serial__in=cleaned).values_list("serial", flat=True))
    if taken:
        raise DomainError(
            "UNIQUE",
            _("Số sê-ri đã dùng cho GTIN này: %(serials)s.") % {"serials": ", ".join(sorted(taken))},
            field="serials",
        )
    units = SerialUnit.objects.bulk_create(
        [SerialUnit(lot=lot, variant_id=lot.variant_id, serial=serial) for serial in cleaned]
    )
    return units


# --- events -----------------------------------------------------------------------------------------------------


def _check_offset(value: str) -> str:
    if not epcis.TZ_OFFSET.match(value or ""):
        raise DomainError("INVALID", _("eventTimeZoneOffset phải có dạng +07:00."), field="eventTimeZoneOffset")
    return value


@transaction.atomic
def record_event(
    *,
    user: Any,
    event_type: str,
    lots: Sequence[dict[str, Any]],
    event_time: datetime.datetime,
    event_timezone_offset: str = "+07:00",
    action: str = "",
    biz_step: str = "",
    disposition: str = "",
    read_point: TraceLocation | None = None,
    biz_location: TraceLocation | None = None,
    read_point_uri: str = "",
    biz_location_uri: str = "",
    parent_id: str = "",
    note: str = "",
    extra: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> TraceEvent:
    """Record one EPCIS event. `lots` = [{"lot": Lot, "role": object|child|input|output, "quantity", "uom"}]."""
    if event_type not in TraceEvent.Type.values:
        raise DomainError(
            "INVALID", _("Loại sự kiện không hợp lệ: “%(type)s”.") % {"type": event_type}, field="eventType"
        )
    if not lots:
        raise DomainError("INVALID", _("Sự kiện cần ít nhất một lô."), field="lots")
    producer_ids = {item["lot"].variant.product.producer_id for item in lots}
    for producer_id in producer_ids:
        if not can_manage_producer(user, producer_id):
            raise PermissionDeniedError(_("Chỉ được ghi sự kiện cho các lô của chủ thể mình."))
    for location in (read_point, biz_location):
        if location is not None and location.producer_id and not can_manage_producer(user, location.producer_id):
            raise PermissionDeniedError(_("Địa điểm này thuộc chủ thể khác."))
    roles = {item.get("role", "object") for item in lots}
    errors: list[DomainError] = []
    if event_type == TraceEvent.Type.TRANSFORMATION:
        if action:
            errors.append(DomainError("INVALID", _("TransformationEvent không có action."), field="action"))
        if not {"input", "output"} <= roles or roles - {"input", "output"}:
            errors.append(DomainError("INVALID", _("TransformationEvent cần lô đầu vào và lô đầu ra."), field="lots"))
    else:
        if action not in {"ADD", "OBSERVE", "DELETE"}:
            errors.append(DomainError("INVALID", _("action phải là ADD, OBSERVE hoặc DELETE."), field="action"))
        allowed = {"object"} if event_type == TraceEvent.Type.OBJECT else {"object", "child"}
        if roles - allowed:
            errors.append(
                DomainError(
                    "INVALID",
                    _("Lô của %(type)s chỉ nhận vai trò %(roles)s.")
                    % {"type": event_type, "roles": " / ".join(sorted(allowed))},
                    field="lots",
                )
            )
    if biz_step and not epcis.is_vocab_value(biz_step, epcis.cbv_biz_steps()):
        errors.append(
            DomainError(
                "INVALID", _("“%(value)s” không phải bizStep của CBV 2.0.") % {"value": biz_step}, field="bizStep"
            )
        )
    if disposition and not epcis.is_vocab_value(disposition, epcis.cbv_dispositions()):
        errors.append(
            DomainError(
                "INVALID",
                _("“%(value)s” không phải disposition của CBV 2.0.") % {"value": disposition},
                field="disposition",
            )
        )
    try:
        _check_offset(event_timezone_offset)
    except DomainError as exc:
        errors.append(exc)
    if timezone.is_naive(event_time):
        errors.append(DomainError("INVALID", _("eventTime cần có múi giờ."), field="eventTime"))
    for item in lots:
        uom = item.get("uom") or ""
        if uom and not (uom.isascii() and uom.isalnum() and uom.isupper() and 2 <= len(uom) <= 3):
            errors.append(
                DomainError(
                    "INVALID", _("uom “%(uom)s” phải là mã UN/CEFACT 2–3 chữ cái.") % {"uom": uom}, field="lots"
                )
            )
        quantity = item.get("quantity")
        if quantity is not None and decimal.Decimal(str(quantity)) < 0:
            errors.append(DomainError("INVALID", _("Số lượng không được âm."), field="lots"))
    if errors:
        raise DomainErrors(errors)
    event_id = event_id or f"urn:uuid:{uuid.uuid4()}"
    first_lot = lots[0]["lot"]
    try:
        with transaction.atomic():
            event = TraceEvent.objects.create(
                producer_id=first_lot.variant.product.producer_id,
                event_type=event_type,
                event_id=event_id,
                event_time=event_time,
                event_timezone_offset=event_timezone_offset,
                action="" if event_type == TraceEvent.Type.TRANSFORMATION else action,
                biz_step=biz_step,
                disposition=disposition,
                read_point=read_point,
                biz_location=biz_location,
                read_point_uri="" if read_point else read_point_uri,
                biz_location_uri="" if biz_location else biz_location_uri,
                parent_id=parent_id,
                note=normalize_text(note)[:500],
                extra=extra or {},
                recorded_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise DomainError("UNIQUE", _("Đã có sự kiện với eventID “%(id)s”.") % {"id": event_id}, field="eventId")
    EventLot.objects.bulk_create(
        [
            EventLot(
                event=event,
                lot=item["lot"],
                role=item.get("role", "object"),
                quantity=None if item.get("quantity") is None else decimal.Decimal(str(item["quantity"])),
                uom=item.get("uom") or "",
            )
            for item in lots
        ]
    )
    touched = [item["lot"] for item in lots]
    after_write(lambda: invalidate_lots(touched))
    return event


# --- EPCIS capture ----------------------------------------------------------------------------------------------

IDENTIFIER_LISTS = {
    "ObjectEvent": [("epcList", "object", False), ("quantityList", "object", True)],
    "AggregationEvent": [("childEPCs", "child", False), ("childQuantityList", "child", True)],
    "TransformationEvent": [
        ("inputEPCList", "input", False),
        ("inputQuantityList", "input", True),
        ("outputEPCList", "output", False),
        ("outputQuantityList", "output", True),
    ],
}
KEPT_FIELDS = {
    "ilmd",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "certificationInfo",
    "persistentDisposition",
    "transformationID",
}


def _lot_for_identifier(uri: str, path: str) -> tuple[Lot, SerialUnit | None]:
    try:
        link = digital_link.parse_uri(uri)
    except digital_link.DigitalLinkError as exc:
        raise DomainError("INVALID", f"{path}: {exc.localized()}", field=path)
    variants = ProductVariant.objects.filter(gtin__in=gtin_forms(link.gtin))
    if link.serial:
        unit = (
            SerialUnit.objects.select_related("lot__variant__product")
            .filter(variant__in=variants, serial=link.serial)
            .first()
        )
        if unit is None:
            raise DomainError(
                "NOT_FOUND",
                _("%(path)s: không có đơn vị mã hóa sê-ri %(uri)s.") % {"path": path, "uri": uri},
                field=path,
            )
        return unit.lot, unit
    if not link.lot:
        raise DomainError(
            "INVALID", _("%(path)s: mã định danh phải chỉ ra lô (10) hoặc số sê-ri (21).") % {"path": path}, field=path
        )
    lot = Lot.objects.select_related("variant__product").filter(variant__in=variants, code=link.lot).first()
    if lot is None:
        raise DomainError("NOT_FOUND", _("%(path)s: không có lô %(uri)s.") % {"path": path, "uri": uri}, field=path)
    return lot, None


def _location_for(uri: str) -> TraceLocation | None:
    if "/414/" in uri:
        gln = uri.rsplit("/414/", 1)[1].split("/", 1)[0]
        return TraceLocation.objects.filter(gln=gln).first()
    prefix = f"{settings.PUBLIC_BASE_URL}/truy-xuat/dia-diem/"
    if uri.startswith(prefix) and uri[len(prefix) :].isdigit():
        return TraceLocation.objects.filter(pk=int(uri[len(prefix) :])).first()
    return None


@transaction.atomic
def capture_document(*, user: Any, document: Any) -> list[TraceEvent]:
    """Capture an EPCIS 2.0 document, all or nothing. Schema errors name the JSON path; foreign lots → 403."""
    try:
        epcis.validate_document(document)
    except epcis.SchemaError as exc:
        raise DomainError("INVALID", exc.message, field=exc.path)
    if document.get("type") != "EPCISDocument":
        raise DomainError("INVALID", _("Hãy gửi một EPCISDocument."), field="$.type")
    events = document["epcisBody"]["eventList"]
    if not events:
        raise DomainError("INVALID", _("eventList trống."), field="$.epcisBody.eventList")
    recorded: list[TraceEvent] = []
    for index, data in enumerate(events):
        base = f"$.epcisBody.eventList[{index}]"
        event_type = data.get("type")
        if event_type not in IDENTIFIER_LISTS:
            raise DomainError(
                "UNSUPPORTED",
                _("%(path)s.type: không nhận sự kiện %(type)s ở đây.") % {"path": base, "type": event_type},
                field=f"{base}.type",
            )
        existing = (
            TraceEvent.objects.filter(event_id=data.get("eventID") or "-").first() if data.get("eventID") else None
        )
        if existing is not None:
            if not can_manage_producer(user, existing.producer_id):
                raise PermissionDeniedError(_("eventID này thuộc chủ thể khác."))
            recorded.append(existing)  # idempotent re-capture
            continue
        lots: list[dict[str, Any]] = []
        epc_uris: list[str] = []
        for list_name, role, is_quantity in IDENTIFIER_LISTS[event_type]:
            for position, item in enumerate(data.get(list_name, [])):
                path = f"{base}.{list_name}[{position}]"
                uri = item["epcClass"] if is_quantity else item
                lot, unit = _lot_for_identifier(uri, path + (".epcClass" if is_quantity else ""))
                if unit is not None:
                    epc_uris.append(uri)
                if not any(entry["lot"].pk == lot.pk and entry["role"] == role for entry in lots):
                    lots.append(
                        {
                            "lot": lot,
                            "role": role,
                            "quantity": item.get("quantity") if is_quantity else None,
                            "uom": item.get("uom", "") if is_quantity else "",
                        }
                    )
        if not lots:
            raise DomainError(
                "INVALID", _("%(path)s: sự kiện không nêu lô hay số sê-ri nào.") % {"path": base}, field=base
            )
        extra = {key: value for key, value in data.items() if key in KEPT_FIELDS}
        if epc_uris:
            extra["childEPCs" if event_type == "AggregationEvent" else "epcList"] = epc_uris
        read_point_uri = (data.get("readPoint") or {}).get("id", "")
        biz_location_uri = (data.get("bizLocation") or {}).get("id", "")
        try:
            recorded.append(
                record_event(
                    user=user,
                    event_type=event_type,
                    lots=lots,
                    event_time=epcis.parse_event_time(data["eventTime"]),
                    event_timezone_offset=data["eventTimeZoneOffset"],
                    action=data.get("action", ""),
                    biz_step=data.get("bizStep", ""),
                    disposition=data.get("disposition", ""),
                    read_point=_location_for(read_point_uri) if read_point_uri else None,
                    biz_location=_location_for(biz_location_uri) if biz_location_uri else None,
                    read_point_uri=read_point_uri,
                    biz_location_uri=biz_location_uri,
                    parent_id=data.get("parentID", ""),
                    extra=extra,
                    event_id=data.get("eventID"),
                )
            )
        except DomainErrors as exc:
            first = exc.errors[0]
            raise DomainError(first.code, f"{base}: {first.message}", field=f"{base}.{first.field or ''}".rstrip("."))
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            raise DomainError(exc.code, f"{base}: {exc.message}", field=f"{base}.{exc.field or ''}".rstrip("."))
    return recorded


# --- scan log and anomaly flags ---------------------------------------------------------------------------------


def scan_entry(
    *,
    lot_id: int | None = None,
    gtin: str = "",
    lot_code: str = "",
    serial_id: int | None = None,
    kiosk: str = "",
    client_hash: str = "",
    language: str = "",
    tag_valid: bool | None = None,
    printed_expiry: str = "",
) -> dict[str, Any]:
    """One scan as a compact dict. The lot is named by id, or by (GTIN-14, lot code) when the page came from cache."""
    entry: dict[str, Any] = {"t": round(timezone.now().timestamp(), 3), "h": client_hash, "lang": language}
    if lot_id is not None:
        entry["lot"] = lot_id
    else:
        entry["g"], entry["c"] = gtin, lot_code
    if serial_id is not None:
        entry["serial"] = serial_id
    if kiosk:
        entry["k"] = kiosk[:32]
    if tag_valid is not None:
        entry["tag"] = tag_valid
    if printed_expiry:
        entry["x"] = printed_expiry  # YYMMDD printed in the code that differs from the lot's registered expiry
    return entry


def encode_scan(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, separators=(",", ":")).encode()


_pending: list[bytes] = []
_pending_since = 0.0


def _push_pending() -> None:
    global _pending_since
    client = trace_cache.redis_client()
    if _pending and client is not None:
        batch = _pending[:]
        _pending.clear()
        client.rpush(trace_cache.scan_buffer_key(), *batch)
    _pending_since = 0.0


atexit.register(_push_pending)


def log_scan(entry: dict[str, Any]) -> None:
    """Log one scan cheaply. With Redis: kept in this worker's memory and pushed to a Redis list in batches
    (TRACEABILITY_SCAN_BATCH entries or 1 s, whichever first; flushed at exit), then moved into ScanLog by the
    `traceability.flush_scans` task. Without Redis: a direct insert."""
    global _pending_since
    client = trace_cache.redis_client()
    if client is not None and settings.TRACEABILITY_SCAN_BUFFER:
        now = time.monotonic()
        if not _pending:
            _pending_since = now
        _pending.append(encode_scan(entry))
        if len(_pending) >= settings.TRACEABILITY_SCAN_BATCH or now - _pending_since >= 1.0:
            _push_pending()
        return
    record_scans([entry])


def flush_scan_buffer(*, batch: int = 1000) -> int:
    """Move buffered scans into the database; returns how many. Safe to run concurrently (LPOP is atomic)."""
    client = trace_cache.redis_client()
    if client is None:
        return 0
    _push_pending()
    total = 0
    while True:
        raw = client.lpop(trace_cache.scan_buffer_key(), batch)
        if not raw:
            return total
        record_scans([json.loads(item) for item in raw])
        total += len(raw)


def _resolve_lot_ids(entries: Sequence[dict[str, Any]]) -> None:
    """Fill entry["lot"] for entries that name their lot by (GTIN, code); unknown lots get None."""
    pairs = {(e["g"], e["c"]) for e in entries if "lot" not in e and e.get("g")}
    if not pairs:
        return
    forms = {form: gtin for gtin, _code in pairs for form in gtin_forms(gtin)}
    rows = Lot.objects.filter(code__in={c for _g, c in pairs}, variant__gtin__in=list(forms)).values_list(
        "pk", "variant__gtin", "code"
    )
    found = {(forms[gtin], code): pk for pk, gtin, code in rows}
    for entry in entries:
        if "lot" not in entry:
            entry["lot"] = found.get((entry.get("g"), entry.get("c")))


def _kiosk_locations(keys: set[str]) -> dict[str, StockLocation]:
    glns = {k for k in keys if k.isdigit() and len(k) == 13}
    ids = {int(k) for k in keys if k.isdigit() and len(k) < 13}
    found: dict[str, StockLocation] = {}
    for location in StockLocation.objects.filter(gln__in=glns).select_related("trace_location"):
        found[location.gln] = location
    for location in StockLocation.objects.filter(pk__in=ids).select_related("trace_location"):
        found[str(location.pk)] = location
    return found


def _coordinates(location: StockLocation | None) -> tuple[float, float] | None:
    trace_location = getattr(location, "trace_location", None) if location else None
    if trace_location is None or trace_location.latitude is None or trace_location.longitude is None:
        return None
    return float(trace_location.latitude), float(trace_location.longitude)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@transaction.atomic
def record_scans(entries: Sequence[dict[str, Any]]) -> list[ScanLog]:
    """Insert scans, count them per serial and flag serials scanned too often or in impossible places."""
    entries = [dict(e) for e in entries]
    _resolve_lot_ids(entries)
    entries = [e for e in entries if e.get("lot")]
    lot_ids = set(Lot.objects.filter(pk__in={e["lot"] for e in entries}).values_list("pk", flat=True))
    serial_ids = set(
        SerialUnit.objects.filter(pk__in={e["serial"] for e in entries if e.get("serial")}).values_list("pk", flat=True)
    )
    kiosks = _kiosk_locations({e["k"] for e in entries if e.get("k")})
    rows = [
        ScanLog(
            scanned_at=datetime.datetime.fromtimestamp(e["t"], datetime.UTC),
            lot_id=e["lot"],
            serial_id=e.get("serial") if e.get("serial") in serial_ids else None,
            sales_point=kiosks.get(e.get("k") or ""),
            client_hash=e.get("h", "")[:32],
            language=(e.get("lang") or "")[:8],
            tag_valid=e.get("tag"),
            printed_expiry=_printed_expiry(e.get("x")),
        )
        for e in entries
        if e["lot"] in lot_ids
    ]
    ScanLog.objects.bulk_create(rows)
    per_serial: dict[int, list[ScanLog]] = {}
    for row in rows:
        if row.serial_id:
            per_serial.setdefault(row.serial_id, []).append(row)
    for serial_id, scans in per_serial.items():
        SerialUnit.objects.filter(pk=serial_id).update(scan_count=F("scan_count") + len(scans))
        _check_anomalies(serial_id, expiry_mismatch=any(scan.printed_expiry for scan in scans))
    return rows


def _printed_expiry(value: Any) -> datetime.date | None:
    try:
        return digital_link.parse_yymmdd(str(value)) if value else None
    except digital_link.DigitalLinkError:
        return None


def _check_anomalies(serial_id: int, *, expiry_mismatch: bool = False) -> None:
    unit = SerialUnit.objects.select_related("lot__variant").get(pk=serial_id)
    if unit.flag:
        return
    flag = ""
    if unit.scan_count > settings.TRACEABILITY_MAX_SCANS_PER_SERIAL:
        flag = SerialUnit.Flag.MANY_SCANS
    else:
        located = list(
            ScanLog.objects.filter(serial_id=serial_id, sales_point__trace_location__latitude__isnull=False)
            .select_related("sales_point__trace_location")
            .order_by("scanned_at")
        )
        for previous, current in itertools.pairwise(located):
            a, b = _coordinates(previous.sales_point), _coordinates(current.sales_point)
            if not a or not b:
                continue
            distance = haversine_km(a, b)
            hours = max((current.scanned_at - previous.scanned_at).total_seconds() / 3600, 1 / 3600)
            if distance > 50 and distance / hours > settings.TRACEABILITY_MAX_TRAVEL_KMH:
                flag = SerialUnit.Flag.IMPOSSIBLE_TRAVEL
                break
    if not flag and expiry_mismatch:
        flag = SerialUnit.Flag.EXPIRY_MISMATCH
    if flag:
        unit.flag = flag
        unit.flagged_at = timezone.now()
        unit.save(update_fields=["flag", "flagged_at"])
        after_write(lambda: invalidate_lots([unit.lot]))


@transaction.atomic
def clear_serial_flag(*, user: Any, unit: SerialUnit) -> SerialUnit:
    require_producer_staff(user, unit.lot.variant.product.producer_id)
    unit.flag = ""
    unit.flagged_at = None
    unit.save(update_fields=["flag", "flagged_at"])
    after_write(lambda: invalidate_lots([unit.lot]))
    return unit
