"""Reads shaped for the storefront pages. Everything starts from catalog.selectors.listed_products()."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from marketplace.catalog.models import Product, ProductGroup, ProductMedia, ProductSet, ProductVariant
from marketplace.catalog.selectors import listed_condition, listed_products
from marketplace.inventory.selectors import in_stock_condition

PAGE_SIZE = 24


def _first_media() -> Prefetch:
    return Prefetch("media", queryset=ProductMedia.objects.order_by("position", "pk"), to_attr="media_list")


def product_cards(queryset: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """Listed products with what a card shows, in a constant number of queries (1 + media prefetch)."""
    queryset = listed_products() if queryset is None else queryset
    active_variants = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    return (
        queryset.select_related("producer__province", "current_certification", "product_set")
        .annotate(
            min_price=Subquery(active_variants.order_by("price").values("price")[:1], output_field=IntegerField()),
            in_stock=Exists(active_variants.filter(in_stock_condition())),
        )
        .prefetch_related(_first_media())
    )


@dataclass
class ListingFilters:
    stars: int | None = None
    province: int | None = None
    commune: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    sort: str = "new"


SORTS = {
    "new": ("-current_certification__decision_date", "name"),
    "stars": ("-current_certification__stars", "name"),
    "price_asc": ("min_price", "name"),
    "price_desc": ("-min_price", "name"),
    "name": ("name",),
    "relevance": (),  # search only
}


def filtered_cards(base: QuerySet[Product], filters: ListingFilters) -> QuerySet[Product]:
    queryset = product_cards(base)
    if filters.stars:
        queryset = queryset.filter(current_certification__stars__gte=filters.stars)
    if filters.province:
        queryset = queryset.filter(producer__province__code=filters.province)
    if filters.commune:
        queryset = queryset.filter(producer__commune__code=filters.commune)
    if filters.price_min is not None:
        queryset = queryset.filter(min_price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(min_price__lte=filters.price_max)
    if filters.in_stock:
        queryset = queryset.filter(in_stock=True)
    if filters.sort == "relevance":
        if "search_rank" in queryset.query.annotations:  # the catalog's search ranks its matches
            return queryset.order_by("-search_rank", "-current_certification__stars", "name")
        return queryset.order_by("-current_certification__stars", "name")
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["new"]))


def featured_products(limit: int = 8) -> QuerySet[Product]:
    return product_cards(listed_products().filter(current_certification__stars__gte=4)).order_by(
        "-current_certification__stars", "-current_certification__decision_date", "name"
    )[:limit]


def newly_certified(limit: int = 8) -> QuerySet[Product]:
    return product_cards().order_by("-current_certification__decision_date", "-pk")[:limit]


def groups_with_sets() -> QuerySet[ProductGroup]:
    """The 6 groups, each with its product sets annotated with their listed-product count."""
    sets = ProductSet.objects.annotate(
        listed_count=Count("products", filter=listed_condition(prefix="products__"))
    ).order_by("number")
    return ProductGroup.objects.prefetch_related(Prefetch("product_sets", queryset=sets))


def similar_products(product: Product | None, limit: int = 4) -> QuerySet[Product]:
    queryset = product_cards()
    if product is not None:
        queryset = queryset.exclude(pk=product.pk).filter(
            Q(product_set_id=product.product_set_id) | Q(producer_id=product.producer_id)
        )
    return queryset.order_by("-current_certification__stars", "name")[:limit]


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
