"""GS1 Digital Link resolver, the public lot page, EPCIS capture, QR codes and label sheets."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from marketplace.catalog.selectors import today_in_vietnam
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.producers.permissions import require_producer_staff
from traceability import cache as trace_cache
from traceability import digital_link, epcis, labels, pages, selectors, services, signing
from traceability.models import Lot, SerialUnit

LINKSET_TYPE = "application/linkset+json"
LINK_TYPES = {"gs1:defaultLink", "gs1:pip", "gs1:traceability", "gs1:certificationInfo", "linkset"}
LANGS = {"vi", "en"}


def _language(request: HttpRequest) -> str:
    asked = (request.GET.get("lang") or "").lower()[:2]
    if asked in LANGS:
        return asked
    current = (getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE)[:2].lower()
    return current if current in LANGS else "vi"


def _raw_path(request: HttpRequest) -> str:
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw:
        return raw.split("?", 1)[0]
    return request.path_info


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Link, Location"
    return response


@functools.lru_cache(maxsize=512)
def _problem_html(status: int, message: str, lang: str) -> str:
    with translation.override(lang):
        return render_to_string("traceability/problem.html", {"status": status, "message": message, "lang": lang})


def _problem(request: HttpRequest, status: int, message_en: str, message_vi: str) -> HttpResponse:
    lang = _language(request)
    if "application/json" in request.headers.get("Accept", "") or "linkset" in request.headers.get("Accept", ""):
        return _cors(JsonResponse({"status": status, "error": message_en, "error_vi": message_vi}, status=status))
    response = HttpResponse(_problem_html(status, message_vi if lang == "vi" else message_en, lang), status=status)
    response["Content-Language"] = lang
    # A bad or unknown code is the scanner's problem, not ours: don't write a WARNING per scan (Django's
    # log_response skips responses marked as logged), so a flood of junk URIs cannot flood the logs.
    response._has_been_logged = True
    return _cors(response)


def _scan_entry(
    request: HttpRequest,
    lang: str,
    day: str,
    *,
    lot_id: int | None = None,
    gtin: str = "",
    lot_code: str = "",
    serial_id: int | None = None,
    tag_valid: bool | None = None,
    printed_expiry: str = "",
) -> dict[str, Any]:
    return services.scan_entry(
        lot_id=lot_id,
        gtin=gtin,
        lot_code=lot_code,
        serial_id=serial_id,
        kiosk=request.GET.get("k", ""),
        client_hash=signing.coarse_client_hash(
            request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", ""), day
        ),
        language=lang,
        tag_valid=tag_valid,
        printed_expiry=printed_expiry,
    )


@ratelimit(key="ip", rate=lambda group, request: settings.TRACEABILITY_RATE_LIMIT, block=True)
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def resolve(request: HttpRequest, rest: str = "") -> HttpResponse:
    if request.method == "OPTIONS":
        response = _cors(HttpResponse(status=204))
        response["Allow"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
        return response
    query = request.META.get("QUERY_STRING", "")
    try:
        link = digital_link.parse(_raw_path(request), query)
    except digital_link.DigitalLinkError as exc:
        return _problem(request, 400, exc.message, exc.message_vi)
    if not link.canonical:
        target = link.path() + (f"?{query}" if query else "")
        return _cors(HttpResponsePermanentRedirect(target))
    link_type = link.extensions.get("linkType")
    if link_type and link_type not in LINK_TYPES:
        return _problem(
            request, 404, f"Link type '{link_type}' is not available.", f"Không có liên kết loại '{link_type}'."
        )
    wants_linkset = link_type == "linkset" or (not link_type and LINKSET_TYPE in request.headers.get("Accept", ""))
    lang = _language(request)
    if link.cpv or not (link.lot or link.serial):
        return _not_found(request)
    if (
        link.serial is None
        and "17" not in link.attributes  # a printed expiry is checked against the lot: the path below
        and not wants_linkset
        and link_type in (None, "gs1:defaultLink", "gs1:certificationInfo")
    ):
        # The hot path. A page this worker served in the last TRACEABILITY_LOCAL_TTL seconds is answered from memory
        # and its scan is buffered after the response is sent; otherwise one Redis round trip fetches the version and
        # the page and buffers the scan entry.
        day = str(today_in_vietnam())
        entry = _scan_entry(request, lang, day, gtin=link.gtin, lot_code=link.lot)
        local = trace_cache.lookup_local(link.gtin, link.lot, lang, day)
        if local is not None:
            lot_id, html = local
            pushed = False
        else:
            version, cached, pushed = trace_cache.lookup(
                link.gtin, link.lot, lang, day, scan=services.encode_scan(entry)
            )
            if cached is None:
                lot = selectors.lot_for_link(link)
                # Unknown lots are cached too (lot id 0), so hammering made-up codes costs no SQL; creating the lot
                # bumps the version and retires the negative entry.
                lot_id, html = (lot.pk, pages.render_lot_page(lot, lang=lang)) if lot else (0, "")
                trace_cache.store(link.gtin, link.lot, lang, day, version, lot_id, html)
            else:
                lot_id, html = cached
        if not lot_id:
            return _not_found(request)
        response = _page_response(html, lang, link)
        if not pushed:
            response.after_close = lambda: services.log_scan(dict(entry, lot=lot_id))
        return response
    unit = None
    if link.serial:
        unit = selectors.serial_for_link(link)
        if unit is None:
            return _not_found(request)
        lot = unit.lot
    else:
        lot = selectors.lot_for_link(link)
        if lot is None:
            return _not_found(request)
    if wants_linkset:
        response = JsonResponse(pages.linkset(lot, unit), content_type=LINKSET_TYPE)
        return _cors(response)
    if link_type == "gs1:pip":
        if not selectors.is_product_listed(lot.variant.product_id):
            return _problem(
                request, 404, "This product is not on sale in the storefront.", "Sản phẩm hiện không được bán trên chợ."
            )
        response = HttpResponseRedirect(pages.storefront_url(lot.variant.product))
        response.status_code = 307
        return _cors(response)
    if link_type == "gs1:traceability":
        body = json.dumps(epcis.document(selectors.lot_events(lot)), ensure_ascii=False)
        return _cors(HttpResponse(body, content_type="application/ld+json"))
    # A serialised unit's page (the lot page plus the genuineness check and any anomaly flag), or a lot's page
    # asked with its expiry date in the code (?17=YYMMDD): a date that differs from the registered one is warned
    # about on the page and logged (the serial is flagged) — the printed date may have been tampered with.
    printed = link.attributes.get("17", "")
    mismatch = bool(printed) and not digital_link.expiry_matches(printed, lot.expiry_date)
    expiry_key = f"x{printed}" if mismatch else "x-"
    tag_valid = None
    if unit is None:
        variant = f"lot::{expiry_key}"
    else:
        tag_valid = signing.verify_serial_tag(link.gtin, unit.serial, link.extensions.get("s"))
        variant = f"{unit.serial}:{int(tag_valid)}:{unit.flag or '-'}:{expiry_key}"
    day = str(today_in_vietnam())
    version, cached, _pushed = trace_cache.lookup(link.gtin, lot.code, lang, day, variant)
    if cached is None:
        lot = selectors.lot_for_link(digital_link.DigitalLink(gtin=link.gtin, lot=lot.code))
        html = pages.render_lot_page(
            lot, lang=lang, unit=unit, tag_valid=tag_valid, printed_expiry=link.expiry if mismatch else None
        )
        trace_cache.store(link.gtin, lot.code, lang, day, version, lot.pk, html, variant)
    else:
        html = cached[1]
    services.log_scan(
        _scan_entry(
            request,
            lang,
            day,
            lot_id=lot.pk,
            serial_id=unit.pk if unit is not None else None,
            tag_valid=tag_valid,
            printed_expiry=printed if mismatch else "",
        )
    )
    return _page_response(html, lang, link)


class PageResponse(HttpResponse):
    """Runs `after_close` once the server has sent the body (WSGI close()), off the client's wait."""

    after_close: Callable[[], Any] | None = None

    def close(self) -> None:
        super().close()
        if self.after_close is not None:
            callback, self.after_close = self.after_close, None
            callback()


def _page_response(html: str, lang: str, link: digital_link.DigitalLink) -> PageResponse:
    response = PageResponse(html)
    response["Content-Language"] = lang
    response["Vary"] = "Accept, Accept-Language"
    response["Cache-Control"] = "no-cache"  # every scan must reach us (the server-side cache keeps it fast)
    response["Link"] = (
        f'<{settings.PUBLIC_BASE_URL}{link.path()}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}"'
    )
    return _cors(response)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _problem(
        request,
        404,
        "This code is valid but we know no such product lot or serial.",
        "Mã hợp lệ nhưng không có lô hàng hoặc sê-ri này trong hệ thống.",
    )


@require_GET
def well_known_resolver(request: HttpRequest) -> JsonResponse:
    return _cors(
        JsonResponse(
            {
                "name": f"{settings.SHOP_NAME} — GS1 Digital Link resolver",
                "resolverRoot": settings.PUBLIC_BASE_URL,
                "supportedPrimaryKeys": ["01"],
                "supportedQualifiers": {"01": ["10", "21"]},
                "supportedDataAttributes": sorted(digital_link.ALLOWED_ATTRIBUTES),
                "supportedLinkTypes": [
                    {"namespace": "https://gs1.org/voc/", "prefix": "gs1:", "linkType": name.split(":", 1)[1]}
                    for name in sorted(LINK_TYPES - {"linkset"})
                ],
                "linkTypeDefaultCanBeLinkset": False,
                "linksetMediaType": LINKSET_TYPE,
                "languages": sorted(LANGS),
                "canonicalForm": f"{settings.PUBLIC_BASE_URL}/01/<14-digit GTIN>/10/<lot>",
                "serialForm": f"{settings.PUBLIC_BASE_URL}/01/<14-digit GTIN>/21/<serial>?s=<tag>",
                "epcisCapture": f"{settings.PUBLIC_BASE_URL}/truy-xuat/capture",
            }
        )
    )


def _api_error(code: str, message: str, path: str | None, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "path": path}}, status=status)


@ratelimit(key="user_or_ip", rate="60/m", block=True)
@require_POST
def capture(request: HttpRequest) -> JsonResponse:
    """EPCIS 2.0 capture for a producer's own lots. Auth: Bearer token or session (with CSRF)."""
    if not request.user.is_authenticated:
        return _api_error("UNAUTHENTICATED", "Sign in or send a Bearer token.", None, 401)
    try:
        document = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return _api_error("INVALID", f"The body is not JSON: {exc}", "$", 400)
    try:
        events = services.capture_document(user=request.user, document=document)
    except PermissionDeniedError as exc:
        return _api_error(exc.code, exc.message, exc.field, 403)
    except DomainError as exc:
        return _api_error(exc.code, exc.message, exc.field, 400)
    return JsonResponse({"captured": len(events), "eventIDs": [event.event_id for event in events]}, status=201)


def _staff_lot(request: HttpRequest, pk: int) -> Lot:
    lot = get_object_or_404(Lot.objects.select_related("variant__product__current_certification"), pk=pk)
    require_producer_staff(request.user, lot.variant.product.producer_id)
    return lot


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _forbidden(exc: PermissionDeniedError) -> HttpResponse:
    return HttpResponse(exc.message, status=403, content_type="text/plain; charset=utf-8")


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """401 for anonymous callers (session or Bearer token expected); no redirect to a login page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponse("Sign in first.", status=401, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return wrapper


@signed_in
@require_GET
def lot_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        lot = _staff_lot(request, pk)
    except PermissionDeniedError as exc:
        return _forbidden(exc)
    uri = labels.lot_uri(lot)
    if fmt == "svg":
        return _download(labels.qr_svg(uri), "image/svg+xml", f"lot-{lot.pk}.svg")
    return _download(labels.qr_png(uri), "image/png", f"lot-{lot.pk}.png")


@signed_in
@require_GET
def serial_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = get_object_or_404(SerialUnit.objects.select_related("lot__variant__product", "variant"), pk=pk)
    try:
        require_producer_staff(request.user, unit.lot.variant.product.producer_id)
    except PermissionDeniedError as exc:
        return _forbidden(exc)
    uri = labels.serial_uri(unit)
    if fmt == "svg":
        return _download(labels.qr_svg(uri), "image/svg+xml", f"serial-{unit.pk}.svg")
    return _download(labels.qr_png(uri), "image/png", f"serial-{unit.pk}.png")


@signed_in
@require_GET
def lot_labels(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        lot = _staff_lot(request, pk)
    except PermissionDeniedError as exc:
        return _forbidden(exc)
    if request.GET.get("serials"):
        units = list(lot.serials.select_related("variant").order_by("serial")[:480])
        sheet = labels.labels_for_serials(lot, units)
    else:
        sheet = labels.labels_for_lot(lot)
    return _download(labels.label_sheet_pdf(sheet), "application/pdf", f"labels-lot-{lot.pk}.pdf")
