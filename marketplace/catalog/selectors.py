"""Catalog reads. THE LISTING RULE lives here, and only here: every public surface goes through it.

A product is listed only while
  - its producer is active,
  - the producer has published it,
  - its current certification is active, has at least 3 stars, and today (Asia/Ho_Chi_Minh) < valid_until,
  - the last full registry snapshot still contained it.
It is evaluated in the query each time, never stored as a flag that could go stale.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from marketplace.catalog.availability import variant_in_stock_condition
from marketplace.catalog.models import MIN_LISTED_STARS, Certification, Product
from marketplace.producers.models import Producer

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> datetime.date:
    return timezone.now().astimezone(VIETNAM).date()


def listed_condition(*, today: datetime.date | None = None, prefix: str = "") -> Q:
    """The listing rule as a Q on Product (or on a model reaching Product through `prefix`, e.g. 'product__')."""
    today = today or today_in_vietnam()
    return Q(
        **{
            f"{prefix}producer__status": Producer.Status.ACTIVE,
            f"{prefix}is_published": True,
            f"{prefix}registry_absent_since__isnull": True,
            f"{prefix}current_certification__status": Certification.Status.ACTIVE,
            f"{prefix}current_certification__stars__gte": MIN_LISTED_STARS,
            f"{prefix}current_certification__valid_until__gt": today,
        }
    )


def listed_products(*, today: datetime.date | None = None) -> QuerySet[Product]:
    """Every product the public may see, right now."""
    return Product.objects.filter(listed_condition(today=today))


def is_listed(product: Product, *, today: datetime.date | None = None) -> bool:
    return listed_products(today=today).filter(pk=product.pk).exists()


# --- Storefront reads: shaped, filtered, searched, sorted ------------------------------------------------

SEARCH_MAX_TOKENS = 8
RANK_SPAN = 100_000  # longer than any search document
NAME_HEAD = 64  # the first characters of a search document: mostly the product's name


def storefront_products(*, today: datetime.date | None = None) -> QuerySet[Product]:
    """Listed products with everything a product card needs joined or prefetched (constant query count)."""
    return shape_for_card(listed_products(today=today))


def storefront_page(queryset: QuerySet[Product], start: int, end: int) -> list[Product]:
    """One page of an ordered product queryset in two lean steps ("deferred join"): the ids of the page first,
    sorted and limited without the card's six joined tables, then those rows with everything a card needs."""
    if end <= start:
        return []
    ids = list(queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)[start:end])
    rows = {product.pk: product for product in shape_for_card(Product.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def shape_for_card(queryset: QuerySet[Product]) -> QuerySet[Product]:
    from django.db.models import Prefetch

    from marketplace.catalog.models import ProductMedia, ProductVariant

    return queryset.select_related(
        "producer__province",
        "producer__commune",
        "product_set__group",
        "current_certification",
    ).prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "pk")),
        Prefetch("media", queryset=ProductMedia.objects.order_by("position", "pk")),
    )


def search_tokens(query: str | None) -> list[str]:
    """The folded words of a search (case, diacritics, đ, NFC/NFD all folded away)."""
    from marketplace.core.text import fold

    return [token for token in re.split(r"[^a-z0-9]+", fold(query)) if token][:SEARCH_MAX_TOKENS]


def search_products(queryset: QuerySet[Product], query: str | None) -> QuerySet[Product]:
    """Products matching `query` (folded: case, diacritics, đ, NFC/NFD), annotated with `search_rank` (higher first).

    Exact pass (both databases): every word of the query starts a word of the folded search document (name,
    producer, commune, product set). Ranked: the name starts with the query > the phrase appears (the earlier,
    the better: the name comes first in the document) > the words are scattered.
    Fuzzy pass (PostgreSQL, only when the exact pass finds nothing): trigram word similarity above pg_trgm's
    threshold, so one typo still matches ("nuoc mamm" → nước mắm), ranked by similarity to the document and name.
    Both passes can use the GIN trigram index on `search_document`; the costly similarity is computed only
    when it is needed.
    """
    from django.db import connection
    from django.db.models import Case, FloatField, IntegerField, Value, When
    from django.db.models.functions import Concat, Left, StrIndex

    tokens = search_tokens(query)
    if not tokens:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    phrase = " ".join(tokens)
    postgres = connection.vendor == "postgresql"
    all_tokens = Q()
    for token in tokens:  # each word of the query starts a word of the document
        if postgres:  # \m = start of a word; one condition per token, which the GIN trigram index can serve
            all_tokens &= Q(search_document__regex=rf"\m{token}")
        else:
            all_tokens &= Q(search_document__startswith=token) | Q(search_document__contains=f" {token}")
    # Rank without per-row functions: the document starts with the name, so the earlier the phrase appears, the
    # likelier it is in the name (then producer, commune, product set); scattered words rank last.
    position = StrIndex(Concat(Value(" "), F("search_document")), Value(f" {phrase}"))
    rank = Case(
        When(search_document__startswith=phrase, then=Value(RANK_SPAN + 1)),
        When(search_position__gt=0, then=Value(RANK_SPAN) - F("search_position")),
        default=Value(0),
        output_field=IntegerField(),
    )
    queryset = queryset.alias(search_position=position)
    exact = queryset.filter(all_tokens)
    if not postgres or exact.exists():
        return exact.annotate(search_rank=rank)
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Ranked by similarity to the head of the document (the name comes first): one short comparison per match.
    return queryset.filter(search_document__trigram_word_similar=phrase).annotate(
        search_rank=TrigramWordSimilarity(phrase, Left("search_document", NAME_HEAD))
    )


def filter_products(queryset: QuerySet[Product], *, filters: dict) -> QuerySet[Product]:
    """Apply a storefront filter dict (already decoded: ids are primary keys)."""
    from django.db.models import Exists, OuterRef

    from marketplace.catalog.models import ProductVariant
    from marketplace.geo.selectors import find_province

    if filters.get("stars"):
        queryset = queryset.filter(current_certification__stars__in=filters["stars"])
    if filters.get("min_stars") is not None:
        queryset = queryset.filter(current_certification__stars__gte=filters["min_stars"])
    if filters.get("product_sets"):
        queryset = queryset.filter(product_set_id__in=filters["product_sets"])
    if filters.get("product_groups"):
        queryset = queryset.filter(product_set__group_id__in=filters["product_groups"])
    if filters.get("producers"):
        queryset = queryset.filter(producer_id__in=filters["producers"])
    province = None
    if filters.get("province"):
        province = find_province(filters["province"])
        if province is None:
            return queryset.none()
        queryset = queryset.filter(producer__province=province)
    if filters.get("commune"):
        queryset = queryset.filter(commune_condition(filters["commune"], province=province))
    price = filters.get("price") or {}
    if price.get("gte") is not None or price.get("lte") is not None:
        variants = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
        if price.get("gte") is not None:
            variants = variants.filter(price__gte=price["gte"])
        if price.get("lte") is not None:
            variants = variants.filter(price__lte=price["lte"])
        queryset = queryset.filter(Exists(variants))
    if filters.get("in_stock") is not None:
        in_stock = Exists(
            ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).filter(_variant_in_stock())
        )
        queryset = queryset.filter(in_stock) if filters["in_stock"] else queryset.exclude(in_stock)
    return queryset


def _variant_in_stock() -> Q:
    return variant_in_stock_condition()


def commune_condition(text: str, *, province=None, prefix: str = "producer__") -> Q:
    """'Xã Hoằng Phụ', 'hoang phu' or a commune code → a Q on Product (via the producer)."""
    from marketplace.core.text import fold

    text = (text or "").strip()
    if text.isdigit():
        return Q(**{f"{prefix}commune__code": int(text)})
    folded = fold(text)
    for head in ("xa ", "phuong ", "dac khu "):
        if folded.startswith(head):
            folded = folded[len(head) :]
    condition = Q(**{f"{prefix}commune__name_folded": folded})
    if province is not None:
        condition &= Q(**{f"{prefix}commune__province": province})
    return condition


def sort_products(queryset: QuerySet[Product], *, field: str | None, direction: str = "asc", searching: bool = False):
    """RELEVANCE (only with a search; else NAME), NAME, PRICE (lowest active variant price), STARS, NEWEST."""
    from django.db.models import OuterRef, Subquery

    from marketplace.catalog.models import ProductVariant

    field = (field or ("relevance" if searching else "name")).lower()
    if field == "relevance" and not searching:
        field = "name"
    desc = direction == "desc"

    def order(expr: str) -> str:
        return f"-{expr}" if desc else expr

    if field == "relevance":
        # Most relevant first for ASC (the natural reading); DESC reverses it.
        return queryset.order_by("search_rank" if desc else "-search_rank", "name", "pk")
    if field == "price":
        cheapest = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).order_by("price")
        queryset = queryset.annotate(min_price=Subquery(cheapest.values("price")[:1]))
        key = F("min_price").desc(nulls_last=True) if desc else F("min_price").asc(nulls_last=True)
        return queryset.order_by(key, "name", "pk")
    if field == "stars":
        return queryset.order_by(order("current_certification__stars"), "name", "pk")
    if field == "newest":
        return queryset.order_by("-created_at" if not desc else "created_at", "-pk" if not desc else "pk")
    return queryset.order_by(order("name"), order("pk"))
