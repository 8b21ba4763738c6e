"""Thumbnails by URL: generated on the first request, stored, then served with long cache headers."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from marketplace.catalog.images import THUMBNAIL_SIZES, ensure_thumbnail
from marketplace.catalog.models import ProductMedia
from marketplace.catalog.selectors import listed_condition

ONE_YEAR = 365 * 24 * 3600


@require_GET
def thumbnail(request: HttpRequest, media_id: int, size: int) -> FileResponse:
    if size not in THUMBNAIL_SIZES:
        raise Http404("Unknown thumbnail size.")
    media = ProductMedia.objects.filter(listed_condition(prefix="product__"), pk=media_id).first()
    if media is None:
        raise Http404("No such image.")
    path = ensure_thumbnail(media, size)
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/webp")
    # The URL names one media row and size; a new upload is a new row, so the bytes never change.
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
