"""THE listing rule at its edges, through the selector and through the public API (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.catalog.models import Certification, Product
from marketplace.catalog.selectors import VIETNAM, is_listed, listed_products, today_in_vietnam
from marketplace.producers.models import Producer
from tests.factories import CertificationFactory, ListedProductFactory

pytestmark = pytest.mark.django_db

COUNT = "{ products(first: 50) { totalCount edges { node { id } } } }"
ONE = "query($id: ID) { product(id: $id) { id } }"


def _visible(gql, product: Product) -> bool:
    in_list = gql.execute(COUNT)["products"]
    by_id = gql.execute(ONE, {"id": to_global_id("Product", product.pk)})["product"]
    listed = is_listed(product)
    assert (
        (by_id is not None)
        == listed
        == any(e["node"]["id"] == to_global_id("Product", product.pk) for e in in_list["edges"])
    )
    assert in_list["totalCount"] == listed_products().count()
    return listed


def _edges(gql) -> None:
    today = today_in_vietnam()
    product = ListedProductFactory()
    cert = product.current_certification
    assert _visible(gql, product)

    # Expiry day: valid_until == today → not listed; the day before → still listed.
    Certification.objects.filter(pk=cert.pk).update(valid_until=today + datetime.timedelta(days=1))
    assert _visible(gql, product)
    Certification.objects.filter(pk=cert.pk).update(valid_until=today)
    assert not _visible(gql, product)
    Certification.objects.filter(pk=cert.pk).update(valid_until=today + datetime.timedelta(days=400))

    for status in (Certification.Status.REVOKED, Certification.Status.EXPIRED, Certification.Status.SUPERSEDED):
        Certification.objects.filter(pk=cert.pk).update(status=status)
        assert not _visible(gql, product)
    Certification.objects.filter(pk=cert.pk).update(status=Certification.Status.ACTIVE)
    assert _visible(gql, product)

    Certification.objects.filter(pk=cert.pk).update(stars=2)
    assert not _visible(gql, product)
    Certification.objects.filter(pk=cert.pk).update(stars=3)
    assert _visible(gql, product)

    Producer.objects.filter(pk=product.producer_id).update(status=Producer.Status.SUSPENDED)
    assert not _visible(gql, product)
    Producer.objects.filter(pk=product.producer_id).update(status=Producer.Status.ACTIVE)

    Product.objects.filter(pk=product.pk).update(is_published=False)
    assert not _visible(gql, product)
    Product.objects.filter(pk=product.pk).update(is_published=True)

    Product.objects.filter(pk=product.pk).update(registry_absent_since=timezone.now())
    assert not _visible(gql, product)
    Product.objects.filter(pk=product.pk).update(registry_absent_since=None)

    # The current decision decides, not an older active one.
    newer = CertificationFactory(product=product, stars=2, decision_date=today - datetime.timedelta(days=10))
    Product.objects.filter(pk=product.pk).update(current_certification=newer)
    assert not _visible(gql, product)
    Product.objects.filter(pk=product.pk).update(current_certification=None)
    assert not _visible(gql, product)
    Product.objects.filter(pk=product.pk).update(current_certification=cert)
    assert _visible(gql, product)


def test_listing_rule_edges(gql) -> None:
    _edges(gql)


@pytest.mark.postgres
def test_listing_rule_edges_on_postgres(gql) -> None:
    assert connection.vendor == "postgresql"
    _edges(gql)


def test_today_is_vietnam_local_date(gql) -> None:
    """At 18:00 UTC it is already tomorrow in Hà Nội: a certificate valid until 'tomorrow' (UTC) is expired."""
    utc_evening = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=datetime.UTC)
    assert utc_evening.astimezone(VIETNAM).date() == datetime.date(2026, 3, 11)
    product = ListedProductFactory()
    Certification.objects.filter(pk=product.current_certification_id).update(
        decision_date=datetime.date(2024, 1, 1), valid_until=datetime.date(2026, 3, 11)
    )
    with mock.patch("marketplace.catalog.selectors.timezone.now", return_value=utc_evening):
        assert not is_listed(product)
    with mock.patch(
        "marketplace.catalog.selectors.timezone.now", return_value=utc_evening - datetime.timedelta(hours=2)
    ):
        assert is_listed(product)  # 23:00 UTC+7 on the 10th: the day before expiry
