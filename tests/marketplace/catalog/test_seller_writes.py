"""Producer-owned writes: description (sanitised), publication, variants (GTIN, prices), permissions, mutations."""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from marketplace.accounts import services as account_services
from marketplace.catalog.models import ProductVariant
from marketplace.catalog.services import create_variant, gtin_is_valid, update_product, update_variant
from marketplace.core.errors import DomainError
from tests.factories import ListedProductFactory, ProducerStaffFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    product = ListedProductFactory()
    staff = ProducerStaffFactory(producer=product.producer).user
    return staff, product


@pytest.mark.parametrize(
    ("gtin", "ok"),
    [
        ("8934563138165", True),  # EAN-13
        ("8934563138166", False),
        ("96385074", True),  # EAN-8
        ("036000291452", True),  # UPC-A
        ("10012345678902", True),  # GTIN-14
        ("123456789", False),
        ("89345631381a5", False),
    ],
)
def test_gtin_check_digit(gtin, ok) -> None:
    assert gtin_is_valid(gtin) is ok


def test_description_is_sanitised_and_publication_toggles(owned) -> None:
    staff, product = owned
    html = '<p onclick="x()">Mật ong <b>rừng</b><script>alert(1)</script><a href="javascript:evil()">x</a></p>'
    product = update_product(user=staff, product=product, description=html, is_published=False)
    product.refresh_from_db()
    assert "script" not in product.description and "onclick" not in product.description
    assert "javascript" not in product.description
    assert "<b>rừng</b>" in product.description
    assert product.is_published is False


def test_other_producers_staff_cannot_write(owned) -> None:
    _, product = owned
    stranger = ProducerStaffFactory().user
    anonymous = None
    for user in (stranger, anonymous, UserFactory()):
        with pytest.raises(DomainError) as exc:
            update_product(user=user, product=product, is_published=False)
        assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(DomainError):
        create_variant(user=stranger, product=product, sku="X1", name="hũ 200 g", price=10_000)


def test_variant_rules(owned) -> None:
    staff, product = owned
    variant = create_variant(
        user=staff,
        product=product,
        sku=" MO-200 ",
        name="hũ 200 g",
        price=150_000,
        gtin="8934563138165",
        compare_at_price=180_000,
        weight_grams=300,
    )
    assert variant.sku == "MO-200" and variant.gtin == "8934563138165"
    for bad, code, field in [
        ({"gtin": "8934563138166"}, "INVALID_GTIN", "gtin"),
        ({"price": -1}, "INVALID_PRICE", "price"),
        ({"compare_at_price": 100_000}, "INVALID_PRICE", "compare_at_price"),
        ({"sku": variant.sku}, "UNIQUE", "sku"),
    ]:
        with pytest.raises(DomainError) as exc:
            create_variant(user=staff, product=product, **{"sku": "NEW", "name": "chai", "price": 100_000, **bad})
        assert {(e.code, e.field) for e in exc.value.as_list()} == {(code, field)}
    # Two problems at once are reported together, nothing saved.
    with pytest.raises(DomainError) as exc:
        create_variant(user=staff, product=product, sku="", name="", price=-5)
    assert {e.field for e in exc.value.as_list()} == {"sku", "name", "price"}
    variant = update_variant(user=staff, variant=variant, price=120_000, compare_at_price=None)
    assert (variant.price, variant.compare_at_price) == (120_000, None)
    with pytest.raises(DomainError) as exc:
        update_variant(user=staff, variant=variant, compare_at_price=100_000)
    assert exc.value.code == "INVALID_PRICE"
    with pytest.raises(DomainError):
        update_variant(user=staff, variant=variant, product_id=999)  # not a producer-owned field


def _login(gql, user) -> None:
    _user, token = account_services.create_token(email=user.email, password="test-password-123", request=None)
    gql.authenticate(token)


UPDATE = """mutation($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { product { description } errors { field message code } } }"""
CREATE = """mutation($p: ID!, $input: ProductVariantCreateInput!) {
  productVariantCreate(product: $p, input: $input) {
    productVariant { id sku gtin price { amount } quantityAvailable } errors { field message code } } }"""
VARIANT_UPDATE = """mutation($id: ID!, $input: ProductVariantUpdateInput!) {
  productVariantUpdate(id: $id, input: $input) { productVariant { price { amount } } errors { field code } } }"""


def test_mutations(gql, owned) -> None:
    staff, product = owned
    pid = to_global_id("Product", product.pk)
    anonymous = gql.execute(UPDATE, {"id": pid, "input": {"description": "<p>x</p>"}})["productUpdate"]
    assert anonymous["errors"][0]["code"] == "PERMISSION_DENIED"
    _login(gql, staff)
    done = gql.execute(UPDATE, {"id": pid, "input": {"description": "<p>Ngon<script>x</script></p>"}})
    assert done["productUpdate"] == {"product": {"description": "<p>Ngon</p>"}, "errors": []}
    created = gql.execute(CREATE, {"p": pid, "input": {"sku": "N-1", "name": "chai 1 lít", "price": 90_000}})
    variant = created["productVariantCreate"]["productVariant"]
    assert variant["price"] == {"amount": 90_000} and variant["quantityAvailable"] == 0
    bad = gql.execute(CREATE, {"p": pid, "input": {"sku": "N-2", "name": "chai", "price": 1, "gtin": "123"}})
    assert bad["productVariantCreate"]["errors"] == [
        {"field": "gtin", "message": bad["productVariantCreate"]["errors"][0]["message"], "code": "INVALID_GTIN"}
    ]
    changed = gql.execute(VARIANT_UPDATE, {"id": variant["id"], "input": {"price": 95_000}})
    assert changed["productVariantUpdate"] == {"productVariant": {"price": {"amount": 95_000}}, "errors": []}
    other = VariantFactory()
    denied = gql.execute(VARIANT_UPDATE, {"id": to_global_id("ProductVariant", other.pk), "input": {"price": 1}})
    assert denied["productVariantUpdate"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert ProductVariant.objects.get(pk=other.pk).price == other.price


def test_registry_owned_fields_are_not_inputs(gql, owned) -> None:
    staff, product = owned
    _login(gql, staff)
    body = gql.raw(UPDATE, {"id": to_global_id("Product", product.pk), "input": {"name": "Khác"}}).json()
    assert "errors" in body and "name" in body["errors"][0]["message"]
