"""Helpers for registry-sync tests: run a sync, take a comparable picture of the catalog, count writes."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog_sync import services
from catalog_sync.fixtures import FEED_PAGE1, SAMPLE_CSV, SAMPLE_XLSX
from marketplace.catalog.models import Certification, Product
from marketplace.producers.models import Producer

TODAY = datetime.date(2026, 7, 1)  # sample decisions span 2020–2026; fix "today" so the tests do not age
SAMPLES = {"csv": SAMPLE_CSV, "xlsx": SAMPLE_XLSX, "json": FEED_PAGE1}
_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(catalog_(?!sync)|producers_)', re.IGNORECASE)


def sync(location: Any, **options: Any):
    source = services.source_for_location(str(location), format=options.pop("format", None))
    options.setdefault("today", TODAY)
    return services.run_sync(source=source, **options)


def catalog_picture() -> list[tuple]:
    """Everything registry-owned, keyed by identity (no pks), so runs of different shapes can be compared."""
    products = []
    for product in Product.objects.select_related("producer", "product_set", "current_certification").order_by(
        "registry_key"
    ):
        current = product.current_certification
        history = tuple(
            product.certifications.order_by("decision_date").values_list(
                "decision_number", "stars", "level", "decision_date", "valid_until", "status", "registry_code"
            )
        )
        products.append(
            (
                product.registry_key,
                product.name,
                product.slug,
                product.search_document,
                product.producer.name,
                product.producer.tax_code,
                product.producer.kind,
                product.producer.commune_text,
                product.producer.legacy_district,
                product.product_set.number,
                current.decision_number if current else None,
                history,
                product.registry_absent_since is not None,
            )
        )
    return products


def counts() -> tuple[int, int, int]:
    return Product.objects.count(), Certification.objects.count(), Producer.objects.count()


class WriteCounter(CaptureQueriesContext):
    """Counts INSERT/UPDATE/DELETE statements against the catalog and producer tables."""

    def __init__(self) -> None:
        super().__init__(connection)

    @property
    def writes(self) -> list[str]:
        return [q["sql"] for q in self.captured_queries if _WRITE.match(q["sql"])]
