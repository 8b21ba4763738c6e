"""Vietnamese first on the storefront; Accept-Language still honoured by the API, the admin and QR pages."""

import json

import pytest

from tests.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


def test_storefront_is_vietnamese_for_an_english_browser_until_english_is_chosen(client) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", headers={"Accept-Language": "vi"})
    assert page.headers["Content-Language"] == "en"


def test_product_page_and_404_are_vietnamese_first(client) -> None:
    product = ListedProductFactory()
    english_browser = {"Accept-Language": "en"}
    assert client.get(f"/san-pham/{product.slug}/", headers=english_browser).headers["Content-Language"] == "vi"
    assert client.get("/khong-co-trang-nay/", headers=english_browser).headers["Content-Language"] == "vi"


def test_api_and_admin_still_follow_accept_language(client) -> None:
    body = json.dumps({"query": "{ shop { name } }"})
    response = client.post("/graphql/", body, content_type="application/json", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert client.get("/admin/login/", headers={"Accept-Language": "en"}).headers["Content-Language"] == "en"
