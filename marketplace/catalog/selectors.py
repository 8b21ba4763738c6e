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
import zoneinfo

from django.db.models import Q, QuerySet
from django.utils import timezone

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
