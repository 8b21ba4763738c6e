"""Traceability reads, shaped for the public page, the resolver, exports and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from marketplace.catalog.models import ProductMedia
from marketplace.catalog.selectors import listed_products
from marketplace.core.permissions import is_program_office
from marketplace.inventory.selectors import sales_points_stocking
from marketplace.producers.permissions import producer_ids_for
from traceability.digital_link import DigitalLink
from traceability.models import EventLot, Lot, SerialUnit, TraceEvent


def gtin_forms(gtin14: str) -> list[str]:
    forms = [gtin14]
    for length in (13, 12, 8):
        if gtin14[: 14 - length] == "0" * (14 - length):
            forms.append(gtin14[14 - length :])
    return forms


def events_queryset() -> QuerySet[TraceEvent]:
    return TraceEvent.objects.select_related("read_point", "biz_location").prefetch_related(
        Prefetch("lot_links", queryset=EventLot.objects.select_related("lot__variant"))
    )


def lots_queryset() -> QuerySet[Lot]:
    return Lot.objects.select_related(
        "variant__product__producer__province",
        "variant__product__producer__commune",
        "variant__product__current_certification",
        "variant__product__product_set",
        "origin_commune__province",
    )


def lot_for_link(link: DigitalLink) -> Lot | None:
    if link.lot is None:
        return None
    return lots_queryset().filter(variant__gtin__in=gtin_forms(link.gtin), code=link.lot).first()


def serial_for_link(link: DigitalLink) -> SerialUnit | None:
    if link.serial is None:
        return None
    qs = SerialUnit.objects.select_related(
        "lot__variant__product__producer__province",
        "lot__variant__product__producer__commune",
        "lot__variant__product__current_certification",
        "lot__origin_commune__province",
    ).filter(variant__gtin__in=gtin_forms(link.gtin), serial=link.serial)
    if link.lot:
        qs = qs.filter(lot__code=link.lot)
    return qs.first()


def lot_events(lot: Lot, *, with_links: bool = True) -> list[TraceEvent]:
    """The lot's events in time order; `with_links` prefetches the lots of each event (EPCIS export needs them)."""
    qs = events_queryset() if with_links else TraceEvent.objects.select_related("read_point", "biz_location")
    return list(qs.filter(lot_links__lot=lot).distinct().order_by("event_time", "pk"))


def lot_photo_url(lot: Lot) -> str | None:
    photo = lot.photos.first()
    if photo:
        return photo.image.url
    media = ProductMedia.objects.filter(product_id=lot.variant.product_id).order_by("position", "pk").first()
    return media.image.url if media else None


def is_product_listed(product_id: int) -> bool:
    return listed_products().filter(pk=product_id).exists()


def where_to_buy(lot: Lot) -> list[Any]:
    return list(sales_points_stocking([lot.variant_id]))


def lots_for_user(user: Any) -> QuerySet[Lot]:
    qs = lots_queryset()
    if is_program_office(user):
        return qs
    return qs.filter(variant__product__producer_id__in=producer_ids_for(user))


def flagged_serials_for_user(user: Any) -> QuerySet[SerialUnit]:
    qs = SerialUnit.objects.exclude(flag="").select_related("lot__variant__product").order_by("-flagged_at")
    if is_program_office(user):
        return qs
    return qs.filter(lot__variant__product__producer_id__in=producer_ids_for(user))
