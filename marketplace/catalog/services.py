"""Catalog writes. One function per business action; keyword-only arguments; transactional; DomainError."""

from __future__ import annotations

from marketplace.catalog.models import Product
from marketplace.core.text import fold


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
    return fold(" ".join(part for part in parts if part))


def refresh_search_document(product: Product) -> bool:
    """Recompute and store the search text; returns whether it changed (callers count writes)."""
    document = build_search_document(product)
    if document == product.search_document:
        return False
    product.search_document = document
    Product.objects.filter(pk=product.pk).update(search_document=document)
    return True


# --- Producer-owned writes (seller centre, admin): descriptions, publication, variants, media --------------


# --- Registry-owned writes (used by catalog_sync): products, certifications ------------------------------
