"""Traceability GraphQL: `lot(gtin, lot)`, flagged serials, and producer mutations lotCreate / traceEventRecord."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.catalog.schema import decode_id, global_id
from marketplace.core.errors import DomainError
from marketplace.core.graphql.mutations import BaseMutation
from marketplace.core.graphql.types import error_type
from marketplace.geo.models import Commune
from marketplace.producers.permissions import can_manage_producer
from traceability import digital_link, epcis, labels, pages, selectors, services
from traceability.models import Lot, SerialUnit, TraceEvent, TraceLocation


class TraceabilityErrorCode(graphene.Enum):
    INVALID = "INVALID"
    UNIQUE = "UNIQUE"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    GTIN_MISSING = "GTIN_MISSING"
    UNSUPPORTED = "UNSUPPORTED"


TraceabilityError = error_type("TraceabilityError", TraceabilityErrorCode)


class TraceEventTypeEnum(graphene.Enum):
    OBJECT_EVENT = "ObjectEvent"
    AGGREGATION_EVENT = "AggregationEvent"
    TRANSFORMATION_EVENT = "TransformationEvent"


class EventLotRole(graphene.Enum):
    OBJECT = "object"
    CHILD = "child"
    INPUT = "input"
    OUTPUT = "output"


class OcopCertificate(graphene.ObjectType):
    stars = graphene.Int(required=True)
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    valid_until = graphene.Date(required=True)
    status = graphene.String(required=True)
    state = graphene.String(required=True, description="valid, expired or revoked — as the public page says it.")

    @staticmethod
    def resolve_state(cert: Any, info: graphene.ResolveInfo) -> str:
        return pages.certificate_state(cert)


class TraceEventType(graphene.ObjectType):
    class Meta:
        name = "TraceEvent"

    event_id = graphene.String(required=True)
    type = graphene.String(required=True)
    event_time = graphene.DateTime(required=True)
    event_time_zone_offset = graphene.String(required=True)
    action = graphene.String()
    biz_step = graphene.String()
    disposition = graphene.String()
    location = graphene.String(description="Where it happened (business location or read point).")
    note = graphene.String()
    epcis = graphene.JSONString(required=True, description="The event as EPCIS 2.0 JSON-LD.")

    @staticmethod
    def resolve_type(event: TraceEvent, info: graphene.ResolveInfo) -> str:
        return event.event_type

    @staticmethod
    def resolve_event_time_zone_offset(event: TraceEvent, info: graphene.ResolveInfo) -> str:
        return event.event_timezone_offset

    @staticmethod
    def resolve_location(event: TraceEvent, info: graphene.ResolveInfo) -> str:
        place = event.biz_location or event.read_point
        return place.name if place else (event.biz_location_uri or event.read_point_uri)

    @staticmethod
    def resolve_epcis(event: TraceEvent, info: graphene.ResolveInfo) -> dict:
        return epcis.event_to_json(event)


class SerialUnitType(graphene.ObjectType):
    class Meta:
        name = "SerialUnit"

    id = graphene.ID(required=True)
    serial = graphene.String(required=True)
    lot_code = graphene.String(required=True)
    product_name = graphene.String(required=True)
    scan_count = graphene.Int(required=True)
    flag = graphene.String(description="many_scans, impossible_travel or expiry_mismatch; null when not flagged.")
    flagged_at = graphene.DateTime()
    qr_png_url = graphene.String()

    @staticmethod
    def resolve_lot_code(unit: SerialUnit, info: graphene.ResolveInfo) -> str:
        return unit.lot.code

    @staticmethod
    def resolve_product_name(unit: SerialUnit, info: graphene.ResolveInfo) -> str:
        return unit.lot.variant.product.name

    @staticmethod
    def resolve_flag(unit: SerialUnit, info: graphene.ResolveInfo) -> str | None:
        return unit.flag or None

    @staticmethod
    def resolve_qr_png_url(unit: SerialUnit, info: graphene.ResolveInfo) -> str:
        return settings.PUBLIC_BASE_URL + reverse("traceability:serial-qr", args=[unit.pk, "png"])


def _is_staff_of(info: graphene.ResolveInfo, lot: Lot) -> bool:
    cache = info.context.__dict__.setdefault("_trace_staff", {})
    producer_id = lot.variant.product.producer_id
    if producer_id not in cache:
        cache[producer_id] = can_manage_producer(info.context.user, producer_id)
    return cache[producer_id]


class LotType(graphene.ObjectType):
    class Meta:
        name = "Lot"

    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    gtin = graphene.String(required=True, description="14 digits.")
    uri = graphene.String(required=True, description="The GS1 Digital Link URI printed in the QR code.")
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    production_date = graphene.Date(required=True)
    expiry_date = graphene.Date()
    quantity = graphene.Int(required=True)
    origin = graphene.String()
    raw_materials = graphene.String()
    standards = graphene.List(graphene.NonNull(graphene.String), required=True)
    certification = graphene.Field(OcopCertificate)
    events = graphene.List(graphene.NonNull(TraceEventType), required=True)
    qr_svg_url = graphene.String(description="For the producer's staff only.")
    qr_png_url = graphene.String(description="For the producer's staff only.")
    label_pdf_url = graphene.String(description="A4 label sheet; for the producer's staff only.")
    flagged_serials = graphene.List(
        graphene.NonNull(SerialUnitType), required=True, description="For the producer's staff only."
    )

    @staticmethod
    def resolve_id(lot: Lot, info: graphene.ResolveInfo) -> str:
        return global_id("Lot", lot.pk)

    @staticmethod
    def resolve_gtin(lot: Lot, info: graphene.ResolveInfo) -> str:
        return digital_link.normalize_gtin(lot.variant.gtin)

    @staticmethod
    def resolve_uri(lot: Lot, info: graphene.ResolveInfo) -> str:
        return labels.lot_uri(lot)

    @staticmethod
    def resolve_product_name(lot: Lot, info: graphene.ResolveInfo) -> str:
        return lot.variant.product.name

    @staticmethod
    def resolve_variant_name(lot: Lot, info: graphene.ResolveInfo) -> str:
        return lot.variant.name

    @staticmethod
    def resolve_origin(lot: Lot, info: graphene.ResolveInfo) -> str:
        commune = lot.origin_commune
        return ", ".join(p for p in (lot.origin_site, commune.name if commune else "") if p)

    @staticmethod
    def resolve_certification(lot: Lot, info: graphene.ResolveInfo) -> Any:
        return lot.variant.product.current_certification

    @staticmethod
    def resolve_events(lot: Lot, info: graphene.ResolveInfo) -> list[TraceEvent]:
        return selectors.lot_events(lot)

    @staticmethod
    def resolve_qr_svg_url(lot: Lot, info: graphene.ResolveInfo) -> str | None:
        if not _is_staff_of(info, lot):
            return None
        return settings.PUBLIC_BASE_URL + reverse("traceability:lot-qr", args=[lot.pk, "svg"])

    @staticmethod
    def resolve_qr_png_url(lot: Lot, info: graphene.ResolveInfo) -> str | None:
        if not _is_staff_of(info, lot):
            return None
        return settings.PUBLIC_BASE_URL + reverse("traceability:lot-qr", args=[lot.pk, "png"])

    @staticmethod
    def resolve_label_pdf_url(lot: Lot, info: graphene.ResolveInfo) -> str | None:
        if not _is_staff_of(info, lot):
            return None
        return settings.PUBLIC_BASE_URL + reverse("traceability:lot-labels", args=[lot.pk])

    @staticmethod
    def resolve_flagged_serials(lot: Lot, info: graphene.ResolveInfo) -> list[SerialUnit]:
        if not _is_staff_of(info, lot):
            return []
        return list(lot.serials.exclude(flag="").select_related("lot__variant__product")[:100])


def _lot_by_codes(gtin: str, code: str) -> Lot | None:
    try:
        link = digital_link.DigitalLink(
            gtin=digital_link.normalize_gtin(gtin), lot=digital_link.validate_ai_value("10", code)
        )
    except digital_link.DigitalLinkError:
        return None
    return selectors.lot_for_link(link)


class Query(graphene.ObjectType):
    lot = graphene.Field(
        LotType,
        gtin=graphene.String(required=True, description="GTIN-8/12/13/14."),
        lot=graphene.String(required=True),
        description="A lot by GTIN and lot code, with its events and the product's OCOP certificate.",
    )
    traceability_flagged_serials = graphene.List(
        graphene.NonNull(SerialUnitType),
        required=True,
        first=graphene.Int(default_value=50),
        description="Serials flagged as possible copies: the producer's own, or all for the program office.",
    )

    @staticmethod
    def resolve_lot(root: Any, info: graphene.ResolveInfo, gtin: str, lot: str) -> Lot | None:
        return _lot_by_codes(gtin, lot)

    @staticmethod
    def resolve_traceability_flagged_serials(root: Any, info: graphene.ResolveInfo, first: int) -> list[SerialUnit]:
        first = max(0, min(first, settings.GRAPHQL_MAX_PAGE_SIZE))
        return list(selectors.flagged_serials_for_user(info.context.user)[:first])


class LotCreateInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="The ProductVariant's global id.")
    code = graphene.String(required=True)
    production_date = graphene.Date(required=True)
    expiry_date = graphene.Date()
    quantity = graphene.Int()
    origin_commune_code = graphene.Int(description="Commune code (post-2025 units).")
    origin_site = graphene.String()
    raw_materials = graphene.String()
    standards = graphene.List(graphene.NonNull(graphene.String))
    notes = graphene.String()


class LotCreate(BaseMutation):
    class Arguments:
        input = LotCreateInput(required=True)

    lot = graphene.Field(LotType)
    errors = graphene.List(graphene.NonNull(TraceabilityError), required=True)

    @classmethod
    def perform(cls, root: Any, info: graphene.ResolveInfo, input: dict) -> dict:
        variant_pk = decode_id(input["variant_id"], "ProductVariant", field="variantId")
        variant = ProductVariant.objects.select_related("product").filter(pk=variant_pk).first()
        if variant is None:
            raise DomainError("NOT_FOUND", _("Không tìm thấy phiên bản."), field="variantId")
        commune = None
        if input.get("origin_commune_code"):
            commune = Commune.objects.filter(code=input["origin_commune_code"]).first()
            if commune is None:
                raise DomainError("NOT_FOUND", _("Không tìm thấy xã/phường."), field="originCommuneCode")
        lot = services.create_lot(
            user=info.context.user,
            variant=variant,
            code=input["code"],
            production_date=input["production_date"],
            expiry_date=input.get("expiry_date"),
            quantity=input.get("quantity") or 0,
            origin_commune=commune,
            origin_site=input.get("origin_site") or "",
            raw_materials=input.get("raw_materials") or "",
            standards=input.get("standards") or [],
            notes=input.get("notes") or "",
        )
        return {"lot": lot}


class EventLotInput(graphene.InputObjectType):
    gtin = graphene.String(required=True)
    lot = graphene.String(required=True)
    role = EventLotRole(default_value="object")
    quantity = graphene.Float()
    uom = graphene.String()


class TraceEventRecordInput(graphene.InputObjectType):
    type = TraceEventTypeEnum(required=True)
    lots = graphene.List(graphene.NonNull(EventLotInput), required=True)
    event_time = graphene.DateTime(required=True)
    event_time_zone_offset = graphene.String(default_value="+07:00")
    action = graphene.String(description="ADD, OBSERVE or DELETE; none for TransformationEvent.")
    biz_step = graphene.String(description="CBV 2.0 bizStep, e.g. commissioning, packing, shipping.")
    disposition = graphene.String()
    read_point_gln = graphene.String()
    biz_location_gln = graphene.String()
    note = graphene.String()


class TraceEventRecord(BaseMutation):
    class Arguments:
        input = TraceEventRecordInput(required=True)

    event = graphene.Field(TraceEventType)
    errors = graphene.List(graphene.NonNull(TraceabilityError), required=True)

    @classmethod
    def perform(cls, root: Any, info: graphene.ResolveInfo, input: dict) -> dict:
        lots = []
        for index, item in enumerate(input["lots"]):
            lot = _lot_by_codes(item["gtin"], item["lot"])
            if lot is None:
                raise DomainError(
                    "NOT_FOUND",
                    _("Không có lô %(lot)s cho GTIN %(gtin)s.") % {"lot": item["lot"], "gtin": item["gtin"]},
                    field=f"lots.{index}",
                )
            role = item.get("role") or "object"
            lots.append(
                {
                    "lot": lot,
                    "role": getattr(role, "value", role),
                    "quantity": item.get("quantity"),
                    "uom": item.get("uom") or "",
                }
            )
        places = {}
        for key in ("read_point_gln", "biz_location_gln"):
            gln = input.get(key)
            if gln:
                place = TraceLocation.objects.filter(gln=gln).first()
                if place is None:
                    raise DomainError("NOT_FOUND", _("Không có địa điểm với GLN %(gln)s.") % {"gln": gln}, field=key)
                places[key] = place
        event_type = input["type"]
        event = services.record_event(
            user=info.context.user,
            event_type=getattr(event_type, "value", event_type),
            lots=lots,
            event_time=input["event_time"],
            event_timezone_offset=input.get("event_time_zone_offset") or "+07:00",
            action=input.get("action") or "",
            biz_step=input.get("biz_step") or "",
            disposition=input.get("disposition") or "",
            read_point=places.get("read_point_gln"),
            biz_location=places.get("biz_location_gln"),
            note=input.get("note") or "",
        )
        return {"event": event}


class Mutation(graphene.ObjectType):
    lot_create = LotCreate.Field()
    trace_event_record = TraceEventRecord.Field()
