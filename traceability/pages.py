"""The public traceability page (Thông tư 02/2024/TT-BKHCN minimum fields) and the resolver's linkset."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Certification, Product
from marketplace.catalog.selectors import today_in_vietnam
from traceability import digital_link, selectors
from traceability.models import Lot, SerialUnit, Standard, TraceLocation

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

BIZ_STEP_LABELS = {
    "commissioning": _("Đưa vào sản xuất"),
    "collecting": _("Thu hoạch/thu gom nguyên liệu"),
    "creating_class_instance": _("Sản xuất lô"),
    "assembling": _("Chế biến/phối trộn"),
    "inspecting": _("Kiểm tra chất lượng"),
    "packing": _("Đóng gói"),
    "storing": _("Lưu kho"),
    "shipping": _("Xuất hàng"),
    "transporting": _("Vận chuyển"),
    "receiving": _("Nhận hàng"),
    "arriving": _("Đến nơi"),
    "stocking": _("Lên kệ"),
    "retail_selling": _("Bán lẻ"),
    "sampling": _("Lấy mẫu"),
    "other": _("Khác"),
}
DISPOSITION_LABELS = {
    "active": _("Đang lưu hành"),
    "in_progress": _("Đang xử lý"),
    "in_transit": _("Đang vận chuyển"),
    "sellable_accessible": _("Sẵn sàng bán"),
    "conformant": _("Đạt yêu cầu"),
    "recalled": _("Bị thu hồi"),
    "expired": _("Hết hạn"),
    "retail_sold": _("Đã bán"),
}
STANDARD_LABELS = dict(Standard.choices)


def storefront_url(product: Product) -> str:
    return f"/san-pham/{product.slug}/"


def certificate_state(cert: Certification | None) -> str:
    """'valid', 'expired', 'revoked' or 'none' — said plainly on the page."""
    if cert is None:
        return "none"
    if cert.status == Certification.Status.REVOKED:
        return "revoked"
    if cert.status in (Certification.Status.EXPIRED, Certification.Status.SUPERSEDED):
        return "expired"
    if cert.valid_until <= today_in_vietnam():
        return "expired"
    return "valid"


def _address(*parts: Any) -> str:
    return ", ".join(str(part) for part in parts if part)


def _location_name(location: TraceLocation | None, uri: str) -> str:
    if location is not None:
        return location.name
    return uri.rsplit("/", 1)[-1] if uri else ""


def timeline(lot: Lot) -> list[dict[str, Any]]:
    items = []
    for event in selectors.lot_events(lot, with_links=False):
        items.append(
            {
                "time": event.event_time.astimezone(VIETNAM),
                "step": BIZ_STEP_LABELS.get(event.biz_step, event.biz_step.rsplit("/", 1)[-1] or event.event_type),
                "disposition": DISPOSITION_LABELS.get(event.disposition, ""),
                "place": _location_name(event.biz_location, event.biz_location_uri)
                or _location_name(event.read_point, event.read_point_uri),
                "note": event.note,
                "type": event.event_type,
            }
        )
    return items


def render_lot_page(
    lot: Lot,
    *,
    lang: str,
    unit: SerialUnit | None = None,
    tag_valid: bool | None = None,
    printed_expiry: datetime.date | None = None,
) -> str:
    """The public lot page. `printed_expiry`: the expiry printed in the scanned code when it differs from the
    registered one (the page then warns of possible tampering)."""
    product = lot.variant.product
    producer = product.producer
    cert = product.current_certification
    listed = selectors.is_product_listed(product.pk)
    gtin = digital_link.normalize_gtin(lot.variant.gtin)
    with translation.override(lang):
        context = {
            "lang": lang,
            "other_lang": "en" if lang == "vi" else "vi",
            "product": product,
            "variant": lot.variant,
            "photo": selectors.lot_photo_url(lot),
            "cert": cert,
            "cert_state": certificate_state(cert),
            "stars": range(cert.stars) if cert else range(0),
            "producer": producer,
            "producer_address": _address(
                producer.street_address,
                producer.commune.name if producer.commune_id else producer.commune_text,
                producer.province.name,
            ),
            "lot": lot,
            "origin": _address(
                lot.origin_site,
                lot.origin_commune.name if lot.origin_commune_id else "",
                lot.origin_commune.province.name if lot.origin_commune_id else "",
            ),
            "standards": [STANDARD_LABELS.get(s, s) for s in lot.standards],
            "events": timeline(lot),
            "listed": listed,
            "storefront_url": storefront_url(product) if listed else None,
            "sales_points": selectors.where_to_buy(lot) if listed else [],
            "gtin": gtin,
            "uri": digital_link.build_uri(settings.PUBLIC_BASE_URL, gtin, lot=lot.code),
            "unit": unit,
            "tag_valid": tag_valid,
            "printed_expiry": printed_expiry,
            "lot_expired": bool(lot.expiry_date and lot.expiry_date < today_in_vietnam()),
            "shop_name": settings.SHOP_NAME,
        }
        return render_to_string("traceability/lot_page.html", context)


def linkset(lot: Lot, unit: SerialUnit | None = None) -> dict[str, Any]:
    """RFC 9264 linkset for the lot (and the unit, when a serial was asked): every level up to the key."""
    base = settings.PUBLIC_BASE_URL
    gtin = digital_link.normalize_gtin(lot.variant.gtin)
    lot_uri = digital_link.build_uri(base, gtin, lot=lot.code)
    product = lot.variant.product
    listed = selectors.is_product_listed(product.pk)
    title = product.name
    voc = "https://gs1.org/voc/"
    entry: dict[str, Any] = {
        "anchor": lot_uri,
        f"{voc}defaultLink": [
            {"href": lot_uri, "title": f"Truy xuất nguồn gốc — {title}", "type": "text/html", "hreflang": ["vi", "en"]}
        ],
        f"{voc}traceability": [
            {
                "href": f"{lot_uri}?linkType=gs1:traceability",
                "title": "EPCIS 2.0 events",
                "type": "application/ld+json",
            }
        ],
        f"{voc}certificationInfo": [
            {"href": f"{lot_uri}#chung-nhan", "title": "Chứng nhận OCOP", "type": "text/html", "hreflang": ["vi", "en"]}
        ],
    }
    if listed:
        entry[f"{voc}pip"] = [
            {"href": f"{base}{storefront_url(product)}", "title": title, "type": "text/html", "hreflang": ["vi"]}
        ]
    sets = [entry]
    if unit is not None:
        unit_uri = digital_link.build_uri(base, gtin, serial=unit.serial)
        sets.insert(
            0,
            {
                "anchor": unit_uri,
                f"{voc}defaultLink": [
                    {
                        "href": unit_uri,
                        "title": f"{title} — {unit.serial}",
                        "type": "text/html",
                        "hreflang": ["vi", "en"],
                    }
                ],
            },
        )
    return {"linkset": sets}
