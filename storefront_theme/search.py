"""Storefront search entry point.

TODO(issue 3): switch to catalog.selectors.search_products once the catalog search lands; this fold-based
version only exists so the storefront works before that merge.
"""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.catalog.models import Product
from marketplace.core.text import fold

try:  # pragma: no cover - depends on whether issue 3 has merged
    from marketplace.catalog.selectors import search_products as _catalog_search  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _catalog_search = None


def search_products(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Products of `queryset` whose folded search document holds every folded token of `text`."""
    if _catalog_search is not None:
        return _catalog_search(queryset, text)
    tokens = fold(text).split()
    for token in tokens[:8]:
        queryset = queryset.filter(search_document__contains=token)
    return queryset
