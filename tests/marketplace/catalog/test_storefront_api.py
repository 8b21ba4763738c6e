"""The storefront GraphQL: every field of the issue, constant query count, filters, sorting, ids."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from marketplace.catalog.models import Certification, ProductMedia, ProductSet
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.geo.models import Commune, Province
from marketplace.inventory.models import Stock
from tests.factories import ListedProductFactory, ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

FULL_PRODUCT = """
  id name slug description stars isAvailable
  certification { registryCode stars level decisionNumber decisionDate validUntil status }
  producer { id name slug kind province commune }
  productSet { id name group { id name } }
  variants { id sku gtin name price { amount currency } quantityAvailable }
  priceRange { start { amount currency } stop { amount currency } }
  thumbnail(size: 300) { url alt }
  media { url alt }
"""
PRODUCTS = "query($first: Int, $search: String, $filter: ProductFilterInput, $sortBy: ProductOrder) {"
PRODUCTS += " products(first: $first, search: $search, filter: $filter, sortBy: $sortBy) {"
PRODUCTS += " totalCount pageInfo { hasNextPage endCursor } edges { node { " + FULL_PRODUCT + " } } } }"


def _with_media(product) -> None:
    ProductMedia.objects.create(product=product, image=f"products/{product.pk}/a.png", alt="ảnh", width=10, height=10)
    ProductMedia.objects.create(product=product, image=f"products/{product.pk}/b.png", alt="", width=10, height=10)


def _make(n: int) -> None:
    for _ in range(n):
        product = ListedProductFactory()
        VariantFactory(product=product, name="chai 1 lít", price=200_000)
        _with_media(product)


def _names(data: dict) -> list[str]:
    return [edge["node"]["name"] for edge in data["products"]["edges"]]


def test_every_field_with_constant_query_count(gql) -> None:
    _make(50)
    counts = {}
    for first in (1, 10, 50):
        with CaptureQueriesContext(connection) as queries:
            data = gql.execute(PRODUCTS, {"first": first})
        counts[first] = len(queries)
        assert len(data["products"]["edges"]) == first
        assert data["products"]["totalCount"] == 50
    assert counts[1] == counts[10] == counts[50], counts
    assert counts[50] <= 10, counts
    node = data["products"]["edges"][0]["node"]
    assert node["stars"] == 4 and node["isAvailable"] is True
    assert node["certification"]["status"] == "ACTIVE" and node["certification"]["level"] == "PROVINCE"
    assert node["producer"]["kind"] == "COOPERATIVE" and node["producer"]["province"] == "Thanh Hóa"
    assert node["productSet"]["group"]["name"]
    assert [v["quantityAvailable"] for v in node["variants"]] == [50, 50]
    assert node["priceRange"] == {
        "start": {"amount": 120_000, "currency": "VND"},
        "stop": {"amount": 200_000, "currency": "VND"},
    }
    assert node["thumbnail"]["url"].endswith("/320/") and node["thumbnail"]["alt"] == "ảnh"
    assert len(node["media"]) == 2


def test_unlisted_products_are_null_and_never_counted(gql) -> None:
    listed = ListedProductFactory()
    hidden = ProductFactory()  # no certification
    two_star = ListedProductFactory(certification__stars=2)
    data = gql.execute(PRODUCTS, {"first": 10})
    assert data["products"]["totalCount"] == 1
    assert _names(data) == [listed.name]
    for product in (hidden, two_star):
        q = "query($id: ID, $slug: String) { a: product(id: $id) { id } b: product(slug: $slug) { id } }"
        data = gql.execute(q, {"id": to_global_id("Product", product.pk), "slug": product.slug})
        assert data == {"a": None, "b": None}
    data = gql.execute("query($id: ID) { product(id: $id) { name } }", {"id": to_global_id("Product", listed.pk)})
    assert data["product"]["name"] == listed.name


def test_product_needs_exactly_one_of_id_or_slug(gql) -> None:
    body = gql.raw("{ product { id } }").json()
    assert "đúng một" in body["errors"][0]["message"]
    gql.headers["Accept-Language"] = "en"
    body = gql.raw("{ product { id } }").json()
    assert "exactly one" in body["errors"][0]["message"]


def test_filters(gql) -> None:
    honey_set = ProductSet.objects.get(number=1)
    a = ListedProductFactory(name="Mật ong rừng", product_set=honey_set, certification__stars=5)
    b = ListedProductFactory(name="Nước mắm Lê Gia", variant__price=50_000)
    c = ListedProductFactory(name="Chè lam Phủ Quảng", variant__stock=0)
    other_province = Province.objects.exclude(codename="thanh_hoa").first()
    d = ListedProductFactory(
        name="Bánh gai", producer=ProducerFactory(province=other_province, commune=other_province.communes.first())
    )

    def names(filter: dict) -> set[str]:
        return set(_names(gql.execute(PRODUCTS, {"first": 50, "filter": filter})))

    assert names({"stars": [5]}) == {a.name}
    assert names({"minStars": 4}) == {a.name, b.name, c.name, d.name}
    assert names({"minStars": 5}) == {a.name}
    assert names({"productSets": [to_global_id("ProductSet", honey_set.pk)]}) == {a.name}
    assert names({"productGroups": [to_global_id("ProductGroup", honey_set.group_id)]}) >= {a.name}
    assert names({"producers": [to_global_id("Producer", b.producer_id)]}) == {b.name}
    assert names({"province": "38"}) == {a.name, b.name, c.name}
    assert names({"province": "thanh hoa"}) == {a.name, b.name, c.name}
    assert names({"province": other_province.short_name}) == {d.name}
    assert names({"province": "Atlantis"}) == set()
    commune = Commune.objects.get(pk=d.producer.commune_id)
    assert names({"commune": commune.name}) == {d.name}
    assert names({"commune": str(commune.code)}) == {d.name}
    assert names({"price": {"lte": 60_000}}) == {b.name}
    assert names({"price": {"gte": 100_000}}) == {a.name, c.name, d.name}
    assert names({"inStock": True}) == {a.name, b.name, d.name}
    assert names({"inStock": False}) == {c.name}
    # Allocated stock is not in stock.
    Stock.objects.filter(variant__product=a).update(quantity_allocated=50)
    assert names({"inStock": True}) == {b.name, d.name}


def test_bad_filter_id_is_an_error(gql) -> None:
    gql.headers["Accept-Language"] = "en"
    body = gql.raw(PRODUCTS, {"first": 5, "filter": {"producers": [to_global_id("Product", 1)]}}).json()
    assert "not a valid Producer id" in body["errors"][0]["message"]


def test_sorting(gql) -> None:
    cheap = ListedProductFactory(name="Bánh", variant__price=10_000, certification__stars=3)
    dear = ListedProductFactory(name="Cá", variant__price=900_000, certification__stars=5)
    mid = ListedProductFactory(name="Ốc", variant__price=300_000, certification__stars=4)

    def order(field: str, direction: str = "ASC") -> list[str]:
        sort = {"field": field, "direction": direction}
        return _names(gql.execute(PRODUCTS, {"first": 10, "sortBy": sort}))

    assert order("NAME") == [cheap.name, dear.name, mid.name]
    assert order("NAME", "DESC") == [mid.name, dear.name, cheap.name]
    assert order("PRICE") == [cheap.name, mid.name, dear.name]
    assert order("PRICE", "DESC") == [dear.name, mid.name, cheap.name]
    assert order("STARS", "DESC") == [dear.name, mid.name, cheap.name]
    assert order("NEWEST") == [mid.name, dear.name, cheap.name]
    assert order("RELEVANCE") == order("NAME")  # no search: falls back to NAME


def test_pagination_cursors(gql) -> None:
    for i in range(5):
        ListedProductFactory(name=f"Sản phẩm {i}")
    q = "query($after: String) { products(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"
    seen: list[str] = []
    after = None
    while True:
        page = gql.execute(q, {"after": after})["products"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Sản phẩm {i}" for i in range(5)]
    last = gql.execute("{ products(last: 2) { edges { node { name } } } }")
    assert _names(last) == ["Sản phẩm 3", "Sản phẩm 4"]


def test_taxonomy_and_provinces(gql) -> None:
    data = gql.execute("{ productGroups { id code name productSets { number name group { code } } } }")
    assert len(data["productGroups"]) == 6
    assert sum(len(g["productSets"]) for g in data["productGroups"]) == 26
    group_id = data["productGroups"][0]["id"]
    sets = gql.execute("query($g: ID) { productSets(group: $g) { number group { id } } }", {"g": group_id})
    assert sets["productSets"] and {s["group"]["id"] for s in sets["productSets"]} == {group_id}
    assert len(gql.execute("{ productSets { id } }")["productSets"]) == 26
    with CaptureQueriesContext(connection) as queries:
        provinces = gql.execute("{ provinces { code name shortName communes { code name } } }")["provinces"]
    assert len(provinces) == 34 and len(queries) <= 3
    assert sum(len(p["communes"]) for p in provinces) == 3321
    thanh_hoa = next(p for p in provinces if p["shortName"] == "Thanh Hóa")
    assert thanh_hoa["code"] == "38" and thanh_hoa["name"].endswith("Thanh Hóa")


def test_producers_only_those_with_listed_products(gql) -> None:
    shown = ListedProductFactory(producer=ProducerFactory(name="HTX Đông Sơn")).producer
    ProductFactory(producer=ProducerFactory(name="HTX Không Chứng Nhận"))
    q = "query($s: String) { producers(first: 10, search: $s) { totalCount edges { node { id name slug kind province commune } } } }"
    data = gql.execute(q, {"s": None})["producers"]
    assert data["totalCount"] == 1 and data["edges"][0]["node"]["name"] == "HTX Đông Sơn"
    assert gql.execute(q, {"s": "dong son"})["producers"]["totalCount"] == 1
    assert gql.execute(q, {"s": "ĐÔNG"})["producers"]["totalCount"] == 1
    assert gql.execute(q, {"s": "khong"})["producers"]["totalCount"] == 0
    one = gql.execute("query($slug: String) { producer(slug: $slug) { name } }", {"slug": shown.slug})
    assert one["producer"]["name"] == "HTX Đông Sơn"


def test_expired_certification_hides_product_today(gql) -> None:
    today = today_in_vietnam()
    product = ListedProductFactory(certification__valid_until=today + datetime.timedelta(days=1))
    assert gql.execute(PRODUCTS, {"first": 5})["products"]["totalCount"] == 1
    Certification.objects.filter(product=product).update(valid_until=today)
    assert gql.execute(PRODUCTS, {"first": 5})["products"]["totalCount"] == 0


@pytest.mark.parametrize("size", [1, 10])
def test_lists_cost_a_constant_number_of_queries(gql, django_assert_max_num_queries, size) -> None:
    _make(10)
    with django_assert_max_num_queries(7):  # count, page ids, rows, variants, media, availability (+ slack 1)
        data = gql.execute(
            PRODUCTS, {"first": size, "search": "nuoc mam", "sortBy": {"field": "PRICE", "direction": "DESC"}}
        )
    assert len(data["products"]["edges"]) == size
    q = "query($n: Int) { producers(first: $n) { totalCount edges { node { id name slug kind province commune } } } }"
    with django_assert_max_num_queries(2):  # count, page (province and commune joined)
        data = gql.execute(q, {"n": size})
    assert len(data["producers"]["edges"]) == size
