"""Admin pages render for the program office; registry fields are read-only; descriptions are sanitised."""

from __future__ import annotations

import pytest

from marketplace.catalog.models import Certification, Product
from tests.factories import ListedProductFactory, ProducerStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_pages_render(office_client) -> None:
    product = ListedProductFactory()
    ProducerStaffFactory(producer=product.producer)
    urls = [
        "/admin/catalog/product/",
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/catalog/certification/",
        f"/admin/catalog/certification/{product.current_certification_id}/change/",
        "/admin/catalog/productgroup/",
        "/admin/catalog/productgroup/1/change/",
        "/admin/catalog/productset/",
        "/admin/producers/producer/",
        f"/admin/producers/producer/{product.producer_id}/change/",
    ]
    for url in urls:
        assert office_client.get(url).status_code == 200, url
    assert office_client.get("/admin/catalog/certification/add/").status_code == 403


def test_product_change_keeps_registry_fields_and_sanitises(office_client) -> None:
    product = ListedProductFactory(name="Nước mắm gốc")
    url = f"/admin/catalog/product/{product.pk}/change/"
    data = {
        "name": "Đổi tên trái phép",
        "slug": product.slug,
        "description": "<p>Ngon<script>x</script></p>",
        "is_published": "on",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
        "certifications-TOTAL_FORMS": "0",
        "certifications-INITIAL_FORMS": "0",
    }
    # The variant made by the factory is an initial form; include it unchanged.
    variant = product.variants.get()
    data.update(
        {
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(variant.pk),
            "variants-0-product": str(product.pk),
            "variants-0-sku": variant.sku,
            "variants-0-name": variant.name,
            "variants-0-weight_grams": str(variant.weight_grams),
            "variants-0-price": str(variant.price),
            "variants-0-is_active": "on",
            "variants-0-position": "0",
            "certifications-INITIAL_FORMS": "1",
            "certifications-TOTAL_FORMS": "1",
            "certifications-0-id": str(product.current_certification_id),
            "certifications-0-product": str(product.pk),
        }
    )
    response = office_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.name == "Nước mắm gốc"
    assert product.description == "<p>Ngon</p>"
    assert Certification.objects.filter(product=product).count() == 1
    assert Product.objects.count() == 1
