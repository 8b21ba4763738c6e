"""Storefront pages: listing rule everywhere, search folding, 404/410, SEO, query counts, i18n."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from marketplace.catalog.models import Certification, ProductGroup, ProductSet
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.geo.models import Province
from marketplace.inventory.models import Stock, StockLocation
from marketplace.producers.models import Producer
from tests.factories import CertificationFactory, ListedProductFactory, ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def fish_sauce(**kwargs):
    return ListedProductFactory(name="Nước mắm Ba Làng", slug="nuoc-mam-ba-lang", **kwargs)


def honey(**kwargs):
    return ListedProductFactory(name="Mật ong rừng", product_set=ProductSet.objects.get(number=4), **kwargs)


def expire(product) -> None:
    cert = product.current_certification
    Certification.objects.filter(pk=cert.pk).update(
        decision_date=today_in_vietnam() - datetime.timedelta(days=1200),
        valid_until=today_in_vietnam() - datetime.timedelta(days=1),
    )


def test_home_shows_featured_and_groups(client):
    star5 = ListedProductFactory(name="Mật ong bạc hà", certification__stars=5)
    hidden = ProductFactory(name="Chưa chứng nhận")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert star5.name in html
    assert hidden.name not in html
    assert 'aria-label="Sản phẩm OCOP 5 sao"' in html
    assert ProductGroup.objects.first().name in html
    assert 'class="skip"' in html and 'lang="vi"' in html


def test_search_folds_vietnamese(client):
    product = fish_sauce()
    honey()
    response = client.get("/tim-kiem/", {"q": "nuoc mam"})
    html = response.content.decode()
    assert response.status_code == 200
    assert product.name in html
    assert "Mật ong rừng" not in html
    assert f'href="/san-pham/{product.slug}/"' in html


def test_search_empty_state_suggests(client):
    honey(certification__stars=5)
    response = client.get("/tim-kiem/", {"q": "khongcogi"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không tìm thấy sản phẩm nào" in html
    assert "?q=n%C6%B0%E1%BB%9Bc%20m%E1%BA%AFm" in html  # a suggestion link
    assert "Mật ong rừng" in html  # popular products instead of a dead end


def test_search_never_shows_unlisted(client):
    product = fish_sauce()
    expire(product)
    html = client.get("/tim-kiem/", {"q": "nuoc mam"}).content.decode()
    assert f"/san-pham/{product.slug}/" not in html


def test_product_page(client):
    product = fish_sauce(certification__stars=5)
    variant = product.variants.first()
    VariantFactory(product=product, name="chai 1 lít", price=210_000, gtin="08930000000019")
    point = StockLocation.objects.create(
        name="Điểm bán OCOP Sầm Sơn", kind=StockLocation.Kind.SALES_POINT, province=Province.objects.get(code=38)
    )
    Stock.objects.create(variant=variant, location=point, quantity=5)
    response = client.get(f"/san-pham/{product.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "120.000" in html and "210.000" in html
    assert product.current_certification.decision_number in html
    assert product.current_certification.valid_until.strftime("%d/%m/%Y") in html
    assert product.producer.name in html
    assert "Điểm bán OCOP Sầm Sơn" in html
    assert "GS1 Digital Link" in html
    assert 'property="og:title"' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Product" and ld["name"] == product.name
    assert {o["price"] for o in ld["offers"]} == {"120000", "210000"}
    assert all(o["priceCurrency"] == "VND" for o in ld["offers"])
    assert ld["offers"][0]["availability"] == "https://schema.org/InStock"
    assert any(o.get("gtin") == "08930000000019" for o in ld["offers"])


def test_product_description_is_sanitised(client):
    product = fish_sauce()
    product.description = '<p>Ngon <script>alert(1)</script><a href="javascript:x">x</a></p>'
    product.save()
    html = client.get(f"/san-pham/{product.slug}/").content.decode()
    assert "<script>alert" not in html and "javascript:x" not in html


def test_unknown_product_is_404_with_similar(client):
    other = ListedProductFactory(name="Mật ong bạc hà")
    response = client.get("/san-pham/khong-co/")
    assert response.status_code == 404
    assert other.name in response.content.decode()


def test_expired_product_is_410_and_not_sold(client):
    product = fish_sauce()
    sibling = ListedProductFactory(name="Nước mắm Thanh Hương")
    expire(product)
    response = client.get(f"/san-pham/{product.slug}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "không còn được bán" in html
    assert sibling.name in html
    assert "Thêm vào giỏ" not in html and 'name="variant"' not in html


@pytest.mark.parametrize(
    "breaker",
    [
        lambda p: Producer.objects.filter(pk=p.producer_id).update(status=Producer.Status.SUSPENDED),
        lambda p: type(p).objects.filter(pk=p.pk).update(is_published=False),
        lambda p: Certification.objects.filter(pk=p.current_certification_id).update(
            status=Certification.Status.REVOKED
        ),
    ],
)
def test_product_failing_listing_rule_is_gone(client, breaker):
    product = fish_sauce()
    breaker(product)
    assert client.get(f"/san-pham/{product.slug}/").status_code == 410


def test_never_listed_product_is_404(client):
    product = ProductFactory()
    assert client.get(f"/san-pham/{product.slug}/").status_code == 404


def test_listing_by_group_and_set_with_filters(client):
    five = ListedProductFactory(name="Nước mắm 5 sao", certification__stars=5, variant__price=300_000)
    three = ListedProductFactory(name="Nước mắm 3 sao", certification__stars=3, variant__price=50_000)
    product_set = ProductSet.objects.get(number=9)
    for url in (f"/bo-san-pham/{product_set.slug}/", f"/nhom/{product_set.group.slug}/", "/san-pham/"):
        html = client.get(url).content.decode()
        assert five.name in html and three.name in html, url
    html = client.get("/san-pham/", {"stars": "5"}).content.decode()
    assert five.name in html and three.name not in html
    html = client.get("/san-pham/", {"price_max": "100.000"}).content.decode()
    assert three.name in html and five.name not in html
    html = client.get("/san-pham/", {"sort": "price_asc"}).content.decode()
    assert html.index(three.name) < html.index(five.name)
    html = client.get("/san-pham/", {"sort": "price_desc"}).content.decode()
    assert html.index(five.name) < html.index(three.name)


def test_listing_province_and_stock_filters(client):
    hanoi = ProducerFactory(province=Province.objects.get(codename="ha_noi"))
    in_hanoi = ListedProductFactory(name="Chè Hà Nội", producer=hanoi)
    sold_out = ListedProductFactory(name="Gạo hết hàng", variant__stock=0)
    html = client.get("/san-pham/", {"province": str(hanoi.province.code)}).content.decode()
    assert in_hanoi.name in html and sold_out.name not in html
    html = client.get("/san-pham/", {"in_stock": "1"}).content.decode()
    assert in_hanoi.name in html and sold_out.name not in html
    commune = in_hanoi.producer.commune
    html = client.get("/san-pham/", {"province": hanoi.province.code, "commune": commune.code}).content.decode()
    assert in_hanoi.name in html


def test_bad_filter_values_are_ignored(client):
    ListedProductFactory(name="Nước mắm")
    response = client.get("/san-pham/", {"stars": "abc", "price_min": "-5", "sort": "evil", "page": "x"})
    assert response.status_code == 200
    assert "Nước mắm" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/san-pham/", "/tim-kiem/?q=nuoc+mam", "/bo-san-pham/{set}/", "/nhom/{group}/"])
def test_listing_pages_cost_constant_queries(client, django_assert_max_num_queries, url):
    product_set = ProductSet.objects.get(number=9)
    url = url.format(set=product_set.slug, group=product_set.group.slug)
    ListedProductFactory()
    client.get(url)  # warm session/cache paths
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(9):
        ListedProductFactory()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_producer_page(client):
    product = fish_sauce()
    producer = product.producer
    producer.story = "<p>Ba đời làm nước mắm.</p>"
    producer.save()
    expired = ListedProductFactory(name="Nước mắm hết hạn", producer=producer)
    expire(expired)
    response = client.get(f"/chu-the/{producer.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ba đời làm nước mắm." in html and product.name in html and expired.name not in html


def test_producer_without_listed_products_is_404(client):
    producer = ProducerFactory()
    assert client.get(f"/chu-the/{producer.slug}/").status_code == 404
    suspended = fish_sauce().producer
    Producer.objects.filter(pk=suspended.pk).update(status=Producer.Status.SUSPENDED)
    assert client.get(f"/chu-the/{suspended.slug}/").status_code == 404


def test_sitemap_lists_only_listed(client):
    listed = fish_sauce()
    expired = ListedProductFactory(name="Hết hạn")
    expire(expired)
    never = ProductFactory()
    lonely = ProducerFactory()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"/san-pham/{listed.slug}/" in xml
    assert f"/san-pham/{expired.slug}/" not in xml
    assert f"/san-pham/{never.slug}/" not in xml
    assert f"/chu-the/{listed.producer.slug}/" in xml
    assert f"/chu-the/{lonely.slug}/" not in xml
    assert "/tim-kiem/" not in xml


def test_communes_json(client):
    response = client.get(reverse("storefront:communes_json", args=[38]))
    data = response.json()
    assert response.status_code == 200
    assert data["province"] == 38 and len(data["communes"]) > 100
    assert {"code", "name"} <= set(data["communes"][0])
    assert client.get("/dia-gioi/999/xa-phuong.json").status_code == 404


def test_language_switch_to_english(client):
    ListedProductFactory(name="Nước mắm")
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html and "Giỏ hàng" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Cart" in html and "Giỏ hàng" not in html
    assert "Featured 5★ and 4★ products" in html


def test_price_format_follows_language(client):
    product = fish_sauce()
    assert "120.000" in client.get(f"/san-pham/{product.slug}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "120,000" in client.get(f"/san-pham/{product.slug}/").content.decode()


def test_signup_sign_in_and_out(client):
    response = client.post(
        "/tai-khoan/dang-ky/",
        {"full_name": "Lê Thị Hoa", "email": "hoa@example.com", "phone": "0912345678", "password": "rau-muong-2026"},
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan/don-hang/").status_code == 200
    client.post("/tai-khoan/dang-xuat/")
    assert client.get("/tai-khoan/don-hang/").status_code == 302
    response = client.post("/tai-khoan/dang-nhap/", {"username": "hoa@example.com", "password": "rau-muong-2026"})
    assert response.status_code == 302
    response = client.post("/tai-khoan/dang-ky/", {"email": "hoa@example.com", "password": "rau-muong-2026"})
    assert response.status_code == 200
    assert "Đã có tài khoản dùng e-mail này." in response.content.decode()


def test_sign_in_wrong_password(client):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "nobody@example.com", "password": "x"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_expired_certification_needs_no_cached_flag(client):
    product = fish_sauce()
    assert client.get(f"/san-pham/{product.slug}/").status_code == 200
    CertificationFactory(product=product, stars=2, decision_number="9/QĐ-UBND")
    Certification.objects.filter(pk=product.current_certification_id).update(valid_until=today_in_vietnam())
    assert client.get(f"/san-pham/{product.slug}/").status_code == 410


def test_search_is_rate_limited(client, settings):
    settings.STOREFRONT_SEARCH_RATE_LIMIT = "3/h"  # an hour window: never straddles a window edge
    codes = [client.get("/tim-kiem/", {"q": "mam"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_search_ranks_by_relevance_by_default(client):
    ListedProductFactory(name="Bánh gai", producer=ProducerFactory(name="HTX Nước mắm Hải Châu"))
    fish = fish_sauce(certification__stars=3)
    html = client.get("/tim-kiem/", {"q": "nuoc mam"}).content.decode()
    assert 'value="relevance" selected' in html
    assert fish.name in html and "Bánh gai" in html


def test_product_page_costs_constant_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = fish_sauce()
    big = ListedProductFactory(name="Mật ong", product_set=ProductSet.objects.get(number=4))
    for i in range(9):
        VariantFactory(product=big, name=f"hũ {i}", price=100_000 + i)
    client.get(f"/san-pham/{small.slug}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/san-pham/{small.slug}/")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/san-pham/{big.slug}/").status_code == 200


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /thanh-toan/" in text and "Disallow: /san-pham/" not in text


def test_scanning_a_packs_digital_link_lands_on_the_product_page(client):
    product = fish_sauce()
    VariantFactory(product=product, name="chai 1 lít", gtin="08930000000019")
    from traceability.models import Lot

    Lot.objects.create(
        variant=product.variants.get(gtin="08930000000019"), code="L2611", production_date=today_in_vietnam()
    )
    response = client.get("/01/08930000000019/10/L2611?linkType=gs1:pip", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0].endswith(f"/san-pham/{product.slug}/")
    assert "Thêm vào giỏ" in response.content.decode()


def test_certificate_and_producer_labels_in_english(client):
    product = fish_sauce()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/san-pham/{product.slug}/").content.decode()
    assert "Provincial level" in html and "Cooperative" in html and "Valid until" in html
