"""The storefront in a real browser (Debian chromium through Playwright), on a 390×844 phone viewport.

Screenshots of the main pages go to test-artifacts/storefront/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.storefront_theme import catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "storefront"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def seeded_snapshot(django_db_setup, django_db_blocker) -> str:
    """The migrations' seed data (provinces, communes, taxonomy…) serialized before Playwright starts.

    Playwright's sync API switches Django to another connection object, which lacks the serialized copy that
    serialized_rollback restores from; so transactional browser tests restore it themselves from this one.
    """
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", "")


@pytest.fixture
def phone(seeded_snapshot, browser, live_server):
    from django.db import connection

    from marketplace.geo.models import Province

    if not Province.objects.exists() and seeded_snapshot:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.all().delete()  # recreated by the flush's post_migrate, with other ids
        connection.creation.deserialize_db_from_string(seeded_snapshot)
    connection._test_serialized_contents = seeded_snapshot  # later flushes/restores then work as designed
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    # Mobile-first: nothing may stick out sideways on a 390 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_consumer_searches_buys_with_cod_and_admin_sees_order(phone, browser, live_server, django_user_model):
    data = catalogue.build(images=True)
    fish = data["fish"]
    page = phone
    page.goto("/")
    shot(page, "01-home")
    page.get_by_role("searchbox").fill("nuoc mam")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"/tim-kiem/\?q=nuoc"))
    assert page.get_by_role("link", name=re.compile("Nước mắm Ba Làng")).is_visible()
    shot(page, "02-search")
    page.get_by_role("link", name=re.compile("Nước mắm Ba Làng")).first.click()
    page.wait_for_url(f"**/san-pham/{fish.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nước mắm Ba Làng"
    assert page.get_by_text("Điểm bán OCOP sân bay Thọ Xuân").is_visible()
    shot(page, "03-product")
    page.get_by_role("button", name=re.compile("Thêm vào giỏ")).click()
    page.wait_for_url("**/gio-hang/")
    assert page.get_by_text("Nước mắm Ba Làng").first.is_visible()
    shot(page, "04-cart")
    page.get_by_role("link", name=re.compile("Đặt hàng")).click()
    page.wait_for_url("**/thanh-toan/")
    page.get_by_label("E-mail").fill("lan@example.com")
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thanh Hóa")
    commune = page.get_by_label("Xã/phường")
    page.wait_for_function("document.querySelectorAll('#f-commune option').length > 10")
    commune.select_option(label="Phường Hạc Thành")
    page.get_by_label("Số nhà, đường, thôn/xóm").fill("12 Lê Lợi")
    page.get_by_role("button", name="Lưu địa chỉ").click()
    page.get_by_label(re.compile("Thanh toán khi nhận hàng")).check()
    shot(page, "05-checkout")
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url("**/don-hang/**")
    number = page.get_by_test_id("order-number").inner_text().strip()
    assert number
    assert page.get_by_text("Cảm ơn bạn! Đơn hàng đã được đặt.").is_visible()
    shot(page, "06-confirmation")

    from marketplace.orders.models import Order

    order = Order.objects.get(number=number)
    assert order.province.short_name == "Thanh Hóa" and order.payment_method == "cod"
    django_user_model.objects.create_user(
        email="staff@ocop.local", password="staff-pass-2026", is_staff=True, is_superuser=True
    )
    admin = browser.new_page(base_url=live_server.url)
    admin.goto("/admin/login/")
    admin.fill("#id_username", "staff@ocop.local")
    admin.fill("#id_password", "staff-pass-2026")
    admin.click("input[type=submit]")
    admin.goto(f"/admin/orders/order/{order.pk}/change/")
    assert number in admin.content()
    admin.screenshot(path=str(SHOTS / "07-admin-order.png"), full_page=True)  # admin is not mobile-first
    admin.close()


def test_language_switch(phone):
    catalogue.build()
    page = phone
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Featured 5★ and 4★ products").is_visible()
    shot(page, "08-home-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Sản phẩm 5★ và 4★ nổi bật").is_visible()


def test_expired_product_url_does_not_sell_it(phone):
    data = catalogue.build()
    page = phone
    response = page.goto(f"/san-pham/{data['expired'].slug}/")
    assert response.status == 410
    assert page.get_by_role("heading", name="Sản phẩm này hiện không còn được bán").is_visible()
    assert page.get_by_role("button", name=re.compile("Thêm vào giỏ")).count() == 0
    assert page.get_by_role("link", name=re.compile("Nước mắm Ba Làng")).first.is_visible()
    shot(page, "09-gone")


def test_listing_filters_and_keyboard(phone):
    catalogue.build(images=True)
    page = phone
    page.goto("/san-pham/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_text("Lọc và sắp xếp").click()
    page.get_by_label("Hạng sao").select_option("5")
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url("**stars=5**")
    names = page.locator(".card__name").all_inner_texts()
    assert names and "Nước mắm Ba Làng" in names and "Nước mắm Khải Hoàn" not in names
    shot(page, "10-listing-5-stars")
