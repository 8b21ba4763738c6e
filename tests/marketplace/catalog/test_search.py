"""Vietnamese search: case, diacritics, đ, NFC/NFD folded on both sides; ranked; one typo tolerated on PostgreSQL."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.catalog.models import ProductSet
from marketplace.catalog.services import refresh_search_document
from marketplace.geo.models import Commune
from tests.factories import ListedProductFactory, ProducerFactory

pytestmark = pytest.mark.django_db

Q = "query($s: String) { products(first: 20, search: $s) { totalCount edges { node { name } } } }"


def _search(gql, text: str) -> list[str]:
    data = gql.execute(Q, {"s": text})["products"]
    names = [edge["node"]["name"] for edge in data["edges"]]
    assert data["totalCount"] == len(names)
    return names


@pytest.fixture
def catalog(db):
    honey = ProductSet.objects.get(number=4)
    fast_food = ProductSet.objects.get(number=5)
    hoang_phu = Commune.objects.filter(province__codename="thanh_hoa").order_by("code")[5]
    le_gia = ProducerFactory(name="Công ty TNHH Thực phẩm Lê Gia", commune=hoang_phu)
    return {
        "mam": ListedProductFactory(name="Nước mắm Lê Gia – Cốt đặc biệt 40N", producer=le_gia),
        "tom": ListedProductFactory(name="Mắm tôm Lê Gia", producer=le_gia),
        "dongson": ListedProductFactory(
            name="Mật ong rừng", product_set=honey, producer=ProducerFactory(name="HTX Đông Sơn")
        ),
        "nem": ListedProductFactory(name="Nem chua Thanh Hóa", product_set=fast_food),
    }


def _check_folding(gql, catalog) -> None:
    mam, tom = catalog["mam"].name, catalog["tom"].name
    # "Mắm tôm" matches through its product set ("Tương, nước mắm, …"); the name match ranks first.
    assert _search(gql, "nuoc mam") == [mam, tom]
    assert _search(gql, "NƯỚC MẮM") == [mam, tom]
    assert _search(gql, "nước mắm") == [mam, tom]
    assert _search(gql, unicodedata.normalize("NFD", "Nước Mắm")) == [mam, tom]
    assert _search(gql, "dong son") == [catalog["dongson"].name]  # producer name, with Đ
    assert _search(gql, "ĐÔNG SƠN") == [catalog["dongson"].name]
    assert set(_search(gql, "le gia")) == {mam, catalog["tom"].name}
    commune = Commune.objects.get(pk=catalog["mam"].producer.commune_id)
    assert set(_search(gql, commune.short_name.upper())) == {mam, catalog["tom"].name}  # commune
    assert _search(gql, "ong mat") == [catalog["dongson"].name]  # every word, any order
    assert _search(gql, "khong co gi") == []
    assert _search(gql, "am") == []  # words match from their start: "am" is not inside "mam"
    # Ranking: a name match comes first (both mention "mam" in the name; "Mắm tôm" starts with it).
    assert _search(gql, "mam")[0] == catalog["tom"].name


def test_folded_search_sqlite_or_any(gql, catalog) -> None:
    _check_folding(gql, catalog)


def test_search_document_kept_fresh(gql, catalog) -> None:
    product = catalog["nem"]
    producer = product.producer
    producer.name = "Cơ sở Bà Tư"
    producer.save()
    assert _search(gql, "ba tu") == []  # stale until refreshed by the service
    assert refresh_search_document(product) is True
    assert _search(gql, "ba tu") == [product.name]
    assert refresh_search_document(product) is False


def test_search_with_relevance_sort_and_filter(gql, catalog) -> None:
    data = gql.execute(
        'query { products(first: 5, search: "le gia", filter: {minStars: 4}, sortBy: {field: RELEVANCE, direction: ASC}) { totalCount } }'
    )
    assert data["products"]["totalCount"] == 2


@pytest.mark.postgres
def test_postgres_folding_and_one_typo(gql, catalog) -> None:
    from django.db import connection

    _check_folding(gql, catalog)
    assert _search(gql, "nuoc mamm")[0] == catalog["mam"].name  # one typo still finds nước mắm
    assert catalog["dongson"].name in _search(gql, "dong sonn")
    with connection.cursor() as cursor:
        cursor.execute("SELECT f_unaccent('Nước mắm Đông Sơn')")
        assert cursor.fetchone()[0] == "Nuoc mam Dong Son"
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_product_search_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_refresh_search_documents_for_a_renamed_set(gql, catalog) -> None:
    from marketplace.catalog.services import refresh_search_documents

    product_set = catalog["nem"].product_set
    product_set.name = "Bánh kẹo xứ Thanh"
    product_set.save()
    assert _search(gql, "banh keo") == []
    assert refresh_search_documents(product_set_id=product_set.pk) == 1
    assert _search(gql, "banh keo") == [catalog["nem"].name]
