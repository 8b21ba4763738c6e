"""How many units can be sold: asked of the inventory app, one floor up, without importing it.

Stock lives in `inventory`, which depends on the catalog (its rows point at variants). Catalog reads still need
"in stock" filters and `quantityAvailable`, so inventory registers its selectors here at start-up
(InventoryConfig.ready) — dependency inversion instead of an upward import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

_available_quantities: Callable[[Iterable[int]], dict[int, int]] | None = None
_in_stock_condition: Callable[[], Q] | None = None


def register(
    *, available_quantities: Callable[[Iterable[int]], dict[int, int]], in_stock_condition: Callable[[], Q]
) -> None:
    global _available_quantities, _in_stock_condition
    _available_quantities = available_quantities
    _in_stock_condition = in_stock_condition


def available_quantities(variant_ids: Iterable[int]) -> dict[int, int]:
    """{variant_id: units sellable online now}, in one query."""
    if _available_quantities is None:
        raise ImproperlyConfigured("No stock provider registered: is marketplace.inventory in INSTALLED_APPS?")
    return _available_quantities(variant_ids)


def variant_in_stock_condition() -> Q:
    """A Q on ProductVariant: some online location holds unallocated units."""
    if _in_stock_condition is None:
        raise ImproperlyConfigured("No stock provider registered: is marketplace.inventory in INSTALLED_APPS?")
    return _in_stock_condition()
