"""Template helpers: VND prices, the OCOP star badge, icons, image URLs, sanitised HTML."""

from __future__ import annotations

import json

import nh3
from django import template
from django.templatetags.static import static
from django.utils.html import format_html, mark_safe
from django.utils.translation import get_language, ngettext

from marketplace.core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """250000 → '250.000 ₫' in Vietnamese, '₫250,000' in English."""
    if amount is None:
        return ""
    return format_vnd(amount, get_language() or "vi")


@register.inclusion_tag("storefront/includes/stars.html")
def ocop_stars(stars: int | None, size: str = "") -> dict:
    stars = int(stars or 0)
    label = ngettext("Sản phẩm OCOP %(n)d sao", "Sản phẩm OCOP %(n)d sao", stars) % {"n": stars}
    return {"stars": stars, "label": label, "size": size, "range": range(stars)}


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline <svg> that uses the sprite; decorative unless a label is given."""
    href = f"{static('storefront/icons.svg')}#{name}"
    if label:
        return format_html('<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>', label, href)
    return format_html('<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href)


@register.filter
def clean_html(value: str | None) -> str:
    """Producer-written HTML, sanitised again at render time (defence in depth)."""
    return mark_safe(nh3.clean(value or ""))  # noqa: S308 - nh3 output is safe


@register.filter
def first_image(product: object) -> object | None:
    media = getattr(product, "media_list", None)
    if media is None:
        media = list(product.media.all())  # type: ignore[attr-defined]
    return media[0] if media else None


@register.filter
def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block, safe against </script> injection."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above


@register.filter
def loc_name(obj: object) -> str:
    """A taxonomy name in the current language (name_en in English when the row has one)."""
    if (get_language() or "vi").startswith("en"):
        english = getattr(obj, "name_en", "")
        if english:
            return english
    return getattr(obj, "name", "")


THUMBNAIL_SIZES = (160, 320, 640, 1280)


def _thumbnail_url(media: object, size: int) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:  # the catalog's WebP thumbnails (issue 3); the original file until that route exists
        return reverse("catalog-thumbnail", args=[media.pk, size])  # type: ignore[attr-defined]
    except NoReverseMatch:
        return None


@register.simple_tag
def img_src(media: object, size: int = 320) -> str:
    """The URL of a product photo at about `size` px (a WebP thumbnail when the catalog serves them)."""
    return _thumbnail_url(media, size) or media.image.url  # type: ignore[attr-defined]


@register.simple_tag
def img_srcset(media: object, largest: int = 1280) -> str:
    """`srcset` candidates for a product photo (empty when only the original file exists)."""
    if _thumbnail_url(media, THUMBNAIL_SIZES[0]) is None:
        return ""
    return ", ".join(f"{_thumbnail_url(media, size)} {size}w" for size in THUMBNAIL_SIZES if size <= largest)
