"""Reads shaped for the storefront pages, on top of the catalog's storefront selectors (one rule for the API and
the pages): listed_products() → filter_products → search_products/sort_products → storefront_page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from marketplace.catalog.models import Product, ProductGroup, ProductMedia, ProductSet, ProductVariant
from marketplace.catalog.selectors import (
    filter_products,
    listed_condition,
    listed_products,
    sort_products,
    storefront_page,
    storefront_products,
)
from marketplace.inventory.selectors import available_quantities

PAGE_SIZE = 24

# storefront sort key → (catalog sort field, direction)
SORTS = {
    "relevance": ("relevance", "asc"),  # search only
    "new": ("newest", "asc"),
    "stars": ("stars", "desc"),
    "price_asc": ("price", "asc"),
    "price_desc": ("price", "desc"),
    "name": ("name", "asc"),
}


@dataclass
class ListingFilters:
    stars: int | None = None
    province: int | None = None
    commune: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    sort: str = "new"


def filtered(base: QuerySet[Product], filters: ListingFilters, *, searching: bool = False) -> QuerySet[Product]:
    """The catalog's filters and sorts, applied to an already listed (and maybe searched) queryset."""
    wanted: dict = {}
    if filters.stars:
        wanted["min_stars"] = filters.stars
    if filters.province:
        wanted["province"] = str(filters.province)
    if filters.commune:
        wanted["commune"] = str(filters.commune)
    if filters.price_min is not None or filters.price_max is not None:
        wanted["price"] = {"gte": filters.price_min, "lte": filters.price_max}
    if filters.in_stock:
        wanted["in_stock"] = True
    field, direction = SORTS.get(filters.sort, SORTS["new"])
    return sort_products(filter_products(base, filters=wanted), field=field, direction=direction, searching=searching)


def decorate(products: list[Product]) -> list[Product]:
    """Give each card its lowest price, whether it can be bought online now, and its photos (one stock query)."""
    variants = [variant for product in products for variant in product.variants.all()]
    available = available_quantities([variant.pk for variant in variants])
    for product in products:
        prices = [variant.price for variant in product.variants.all()]
        product.min_price = min(prices) if prices else None
        product.in_stock = any(available.get(variant.pk, 0) > 0 for variant in product.variants.all())
        product.media_list = list(product.media.all())
    return products


def page_of(queryset: QuerySet[Product], number: str | int | None) -> Page:
    """A page of cards: count, then the page's ids, then those rows with what a card needs (constant queries)."""
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(number)
    start = (page.number - 1) * PAGE_SIZE
    page.object_list = decorate(storefront_page(queryset, start, start + PAGE_SIZE)) if paginator.count else []
    return page


def cards(queryset: QuerySet[Product], limit: int) -> list[Product]:
    return decorate(list(queryset[:limit]))


def featured_products(limit: int = 6) -> list[Product]:
    return cards(
        storefront_products()
        .filter(current_certification__stars__gte=4)
        .order_by("-current_certification__stars", "-current_certification__decision_date", "name"),
        limit,
    )


def newly_certified(limit: int = 6) -> list[Product]:
    return cards(storefront_products().order_by("-current_certification__decision_date", "-pk"), limit)


def groups_with_sets() -> QuerySet[ProductGroup]:
    """The 6 groups, each with its product sets annotated with their listed-product count."""
    sets = ProductSet.objects.annotate(
        listed_count=Count("products", filter=listed_condition(prefix="products__"))
    ).order_by("number")
    return ProductGroup.objects.prefetch_related(Prefetch("product_sets", queryset=sets))


def similar_products(product: Product | None, *, product_set_id: int | None = None, limit: int = 4) -> list[Product]:
    queryset = storefront_products()
    if product is not None:
        queryset = queryset.exclude(pk=product.pk).filter(
            Q(product_set_id=product.product_set_id) | Q(producer_id=product.producer_id)
        )
    elif product_set_id is not None:
        queryset = queryset.filter(product_set_id=product_set_id)
    return cards(queryset.order_by("-current_certification__stars", "name"), limit)


def product_for_page(slug: str) -> Product | None:
    """A listed product with everything its page shows, or None."""
    return (
        listed_products()
        .select_related("producer__province", "producer__commune", "current_certification", "product_set__group")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "pk")),
            Prefetch("media", queryset=ProductMedia.objects.order_by("position", "pk")),
        )
        .filter(slug=slug)
        .first()
    )


def was_ever_listed(slug: str) -> Product | None:
    """An unlisted product that once held a certification (so its URL answers 410 Gone), or None."""
    return Product.objects.filter(slug=slug, certifications__isnull=False).select_related("product_set").first()
