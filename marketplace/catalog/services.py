"""Catalog writes. One function per business action; keyword-only arguments; transactional; DomainError."""

from __future__ import annotations

import re
import unicodedata
from typing import IO, Any

import nh3
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marketplace.catalog.models import Product, ProductMedia, ProductVariant
from marketplace.core.errors import DomainError, DomainErrors
from marketplace.core.permissions import is_program_office
from marketplace.core.text import fold, normalize_text
from marketplace.producers.permissions import require_producer_staff


def build_search_document(product: Product) -> str:
    """Folded text the search matches: product name, producer, commune (and legacy district), product set."""
    producer = product.producer
    parts = [
        product.name,
        producer.name,
        producer.commune.name if producer.commune_id else producer.commune_text,
        producer.legacy_district,
        producer.province.short_name if producer.province_id else "",
        product.product_set.name,
    ]
    # Words only: punctuation becomes a space, so every word starts after a space (word-prefix matching).
    return " ".join(_NON_WORD.sub(" ", fold(" ".join(part for part in parts if part))).split())


def refresh_search_documents(*, producer_id: int | None = None, product_set_id: int | None = None) -> int:
    """Recompute the search text of every product of a producer (its name or commune changed) or of a product
    set (renamed); returns how many changed. The registry sync and the admin call this after such edits."""
    products = Product.objects.select_related("producer__province", "producer__commune", "product_set")
    if producer_id is not None:
        products = products.filter(producer_id=producer_id)
    if product_set_id is not None:
        products = products.filter(product_set_id=product_set_id)
    return sum(refresh_search_document(product) for product in products)


def refresh_search_document(product: Product) -> bool:
    """Recompute and store the search text; returns whether it changed (callers count writes)."""
    document = build_search_document(product)
    if document == product.search_document:
        return False
    product.search_document = document
    Product.objects.filter(pk=product.pk).update(search_document=document)
    return True


_NON_WORD = re.compile(r"[^a-z0-9]+")


# --- Producer-owned writes (seller centre, admin): descriptions, publication, variants, media --------------

DESCRIPTION_MAX_LENGTH = 20_000
ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a", "img"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
MAX_PRICE = 1_000_000_000  # 1 tỷ đồng: a typo guard, not a business limit


def sanitize_html(value: str | None) -> str:
    """Producer HTML, made safe: scripts, event handlers and javascript: URLs removed (nh3 / ammonia)."""
    text = normalize_text_keep_lines(value)
    if not text:
        return ""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def normalize_text_keep_lines(value: str | None) -> str:
    """NFC and trimmed, but line breaks kept (they matter inside <pre>-less HTML only as spacing)."""
    return unicodedata.normalize("NFC", value or "").strip()


def _lock_product(product: Product | int) -> Product:
    product_id = product if isinstance(product, int) else product.pk
    try:
        return Product.objects.select_for_update().select_related("producer").get(pk=product_id)
    except Product.DoesNotExist:
        raise DomainError("NOT_FOUND", _("Không tìm thấy sản phẩm."), field="id")


@transaction.atomic
def update_product(
    *, user: Any, product: Product | int, description: str | None = None, is_published: bool | None = None
) -> Product:
    """The producer's own fields of a product: description (sanitised HTML) and publication."""
    product = _lock_product(product)
    require_producer_staff(user, product.producer_id)
    fields = []
    if description is not None:
        if len(description) > DESCRIPTION_MAX_LENGTH:
            raise DomainError("INVALID", _("Mô tả dài quá %d ký tự.") % DESCRIPTION_MAX_LENGTH, field="description")
        product.description = sanitize_html(description)
        fields.append("description")
    if is_published is not None:
        product.is_published = bool(is_published)
        fields.append("is_published")
    if fields:
        product.save(update_fields=[*fields, "updated_at"])
    return product


def set_product_published(*, user: Any, product: Product | int, published: bool) -> Product:
    return update_product(user=user, product=product, is_published=published)


def gtin_is_valid(gtin: str) -> bool:
    """GS1 GTIN-8/12/13/14 with its mod-10 check digit."""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in gtin]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _variant_errors(data: dict[str, Any], *, current: ProductVariant | None = None) -> list[DomainError]:
    errors: list[DomainError] = []
    if "sku" in data:
        sku = normalize_text(data["sku"])
        if not sku or len(sku) > 64:
            errors.append(DomainError("INVALID", _("SKU bắt buộc, tối đa 64 ký tự."), field="sku"))
        data["sku"] = sku
    if "name" in data:
        name = normalize_text(data["name"])
        if not name or len(name) > 120:
            errors.append(DomainError("INVALID", _("Quy cách bắt buộc, tối đa 120 ký tự."), field="name"))
        data["name"] = name
    if "gtin" in data:
        gtin = (data["gtin"] or "").strip() or None
        if gtin is not None and not gtin_is_valid(gtin):
            errors.append(
                DomainError(
                    "INVALID_GTIN", _("GTIN phải gồm 8, 12, 13 hoặc 14 chữ số với số kiểm tra đúng."), field="gtin"
                )
            )
        data["gtin"] = gtin
    if "price" in data:
        price = data["price"]
        if price is None or not isinstance(price, int) or isinstance(price, bool) or price < 0 or price > MAX_PRICE:
            errors.append(DomainError("INVALID_PRICE", _("Giá là số đồng nguyên, không âm."), field="price"))
    if "weight_grams" in data and (data["weight_grams"] is None or data["weight_grams"] < 0):
        errors.append(DomainError("INVALID", _("Khối lượng không được âm."), field="weight_grams"))
    price = data.get("price", current.price if current else None)
    compare_at = data.get("compare_at_price", current.compare_at_price if current else None)
    if compare_at is not None and isinstance(price, int) and compare_at <= price:
        errors.append(DomainError("INVALID_PRICE", _("Giá gốc phải lớn hơn giá bán."), field="compare_at_price"))
    return errors


VARIANT_FIELDS = ("sku", "name", "gtin", "price", "compare_at_price", "weight_grams", "is_active", "position")


def _save_variant(variant: ProductVariant, fields: list[str] | None = None) -> ProductVariant:
    try:
        with transaction.atomic():
            if fields is None:
                variant.save()
            else:
                variant.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        text = str(exc).lower()
        field = "gtin" if "gtin" in text else "sku"
        raise DomainError("UNIQUE", _("Giá trị %s này đã được dùng.") % field.upper(), field=field)
    return variant


@transaction.atomic
def create_variant(
    *,
    user: Any,
    product: Product | int,
    sku: str,
    name: str,
    price: int,
    gtin: str | None = None,
    compare_at_price: int | None = None,
    weight_grams: int = 0,
) -> ProductVariant:
    product = _lock_product(product)
    require_producer_staff(user, product.producer_id)
    data = {
        "sku": sku,
        "name": name,
        "price": price,
        "gtin": gtin,
        "compare_at_price": compare_at_price,
        "weight_grams": weight_grams,
    }
    errors = _variant_errors(data)
    if errors:
        raise DomainErrors(errors)
    position = product.variants.count()
    variant = ProductVariant(product=product, position=position, **data)
    return _save_variant(variant)


@transaction.atomic
def update_variant(*, user: Any, variant: ProductVariant | int, **changes: Any) -> ProductVariant:
    """Change a variant's producer-owned fields (any of VARIANT_FIELDS)."""
    variant_id = variant if isinstance(variant, int) else variant.pk
    try:
        variant = ProductVariant.objects.select_for_update().select_related("product").get(pk=variant_id)
    except ProductVariant.DoesNotExist:
        raise DomainError("NOT_FOUND", _("Không tìm thấy phiên bản."), field="id")
    require_producer_staff(user, variant.product.producer_id)
    unknown = set(changes) - set(VARIANT_FIELDS)
    if unknown:
        raise DomainError("INVALID", _("Không sửa được: %s.") % ", ".join(sorted(unknown)))
    errors = _variant_errors(changes, current=variant)
    if errors:
        raise DomainErrors(errors)
    for field, value in changes.items():
        setattr(variant, field, value)
    return _save_variant(variant, list(changes))


def _require_media_permission(user: Any, product: Product) -> None:
    if is_program_office(user):
        return
    require_producer_staff(user, product.producer_id)


@transaction.atomic
def add_product_media(*, user: Any, product: Product | int, file: IO[bytes], alt: str = "") -> ProductMedia:
    """Validate (JPEG/PNG/WebP, ≤ 10 MB, ≤ 40 MP, no bombs), clean (orientation, no metadata) and store an image."""
    from marketplace.catalog.images import clean_upload

    product = _lock_product(product)
    _require_media_permission(user, product)
    alt = normalize_text(alt)
    if len(alt) > 255:
        raise DomainError("INVALID", _("Mô tả ảnh tối đa 255 ký tự."), field="alt")
    cleaned, _extension = clean_upload(file, name=f"{product.slug[:60]}")
    position = product.media.count()
    media = ProductMedia(product=product, alt=alt or product.name, position=position)
    media.image.save(cleaned.name, cleaned, save=False)
    media.save()
    return media


@transaction.atomic
def delete_product_media(*, user: Any, media: ProductMedia | int) -> None:
    from marketplace.catalog.images import delete_thumbnails

    media_id = media if isinstance(media, int) else media.pk
    try:
        media = ProductMedia.objects.select_related("product").get(pk=media_id)
    except ProductMedia.DoesNotExist:
        raise DomainError("NOT_FOUND", _("Không tìm thấy ảnh."), field="id")
    _require_media_permission(user, media.product)
    name = media.image.name
    media.delete()
    transaction.on_commit(lambda: (delete_thumbnails(media_id), media.image.storage.delete(name)))


# --- Registry-owned writes (used by catalog_sync): products, certifications ------------------------------
