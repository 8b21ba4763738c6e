import pytest

from marketplace.catalog.selectors import listed_products
from marketplace.inventory.selectors import available_quantities
from tests.factories import ListedProductFactory, ProductFactory


@pytest.mark.django_db
def test_listed_product_factory_makes_a_sellable_product() -> None:
    product = ListedProductFactory(variant__stock=7)
    ProductFactory()  # uncertified: never listed
    assert list(listed_products()) == [product]
    variant = product.variants.get()
    assert available_quantities([variant.pk]) == {variant.pk: 7}
    assert "nuoc mam" in product.search_document
