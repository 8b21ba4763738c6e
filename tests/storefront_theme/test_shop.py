"""Cart, checkout, confirmation, tracking and my orders over HTTP (the checkout/payments services underneath)."""

from __future__ import annotations

import pytest

from marketplace.catalog.models import Certification
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.geo.models import Commune, Province
from tests.factories import ListedProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def thanh_hoa_commune() -> Commune:
    return Commune.objects.filter(province__codename="thanh_hoa").order_by("code").first()


def address(**overrides) -> dict:
    commune = thanh_hoa_commune()
    data = {
        "step": "address",
        "email": "lan@example.com",
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "province": str(commune.province.code),
        "commune": str(commune.code),
        "street_address": "12 Lê Lợi",
    }
    return {**data, **overrides}


def add(client, variant, quantity=1):
    return client.post("/gio-hang/them/", {"variant": variant.pk, "quantity": quantity})


def place(client, payment="COD"):
    assert client.post("/thanh-toan/", address()).status_code == 302
    page = client.get("/thanh-toan/").content.decode()
    assert 'name="delivery_method"' in page
    return client.post("/thanh-toan/", {"step": "place", "delivery_method": "home", "payment": payment})


def test_cart_add_update_remove(client):
    product = ListedProductFactory(name="Nước mắm Ba Làng")
    variant = product.variants.first()
    assert add(client, variant, 2).url == "/gio-hang/"
    page = client.get("/gio-hang/").content.decode()
    assert "Nước mắm Ba Làng" in page and "240.000" in page
    client.post("/gio-hang/cap-nhat/", {f"qty-{variant.pk}": "3"})
    assert "360.000" in client.get("/gio-hang/").content.decode()
    client.post("/gio-hang/cap-nhat/", {f"qty-{variant.pk}": "3", "remove": str(variant.pk)})
    assert "Giỏ hàng đang trống" in client.get("/gio-hang/").content.decode()


def test_cart_rejects_bad_input_and_unlisted_products(client):
    product = ListedProductFactory()
    variant = product.variants.first()
    response = client.post("/gio-hang/them/", {"variant": "abc", "quantity": "1"}, follow=True)
    assert "số lượng hợp lệ" in response.content.decode()
    response = client.post("/gio-hang/them/", {"variant": variant.pk, "quantity": "5000"}, follow=True)
    assert "số lượng hợp lệ" in response.content.decode()
    Certification.objects.filter(pk=product.current_certification_id).update(valid_until=today_in_vietnam())
    response = client.post(
        "/gio-hang/them/", {"variant": variant.pk, "quantity": "1", "next": f"/san-pham/{product.slug}/"}
    )
    assert response.status_code == 302 and response.url == f"/san-pham/{product.slug}/"
    assert "Giỏ hàng đang trống" in client.get("/gio-hang/").content.decode()


def test_cart_add_requires_csrf(client):
    from django.test import Client

    variant = ListedProductFactory().variants.first()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/gio-hang/them/", {"variant": variant.pk, "quantity": 1}).status_code == 403


def test_checkout_with_cod_to_thanh_hoa(client):
    variant = ListedProductFactory(name="Nước mắm Ba Làng").variants.first()
    add(client, variant, 2)
    response = place(client)
    assert response.status_code == 302 and response.url.startswith("/don-hang/")
    page = client.get(response.url).content.decode()
    from marketplace.orders.models import Order

    order = Order.objects.get()
    assert order.number in page and "Cảm ơn bạn" in page
    assert order.province == Province.objects.get(codename="thanh_hoa")
    assert order.payment_method == "cod" and order.subtotal == 240_000
    assert "Giỏ hàng đang trống" in client.get("/gio-hang/").content.decode()  # the cart became the order


def test_checkout_reports_every_bad_field(client):
    add(client, ListedProductFactory().variants.first())
    other_province_commune = Commune.objects.filter(province__codename="ha_noi").first()
    response = client.post(
        "/thanh-toan/", address(email="nope", phone="123", commune=str(other_province_commune.code), full_name="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="err"') >= 4
    assert 'aria-invalid="true"' in page
    assert 'name="delivery_method"' not in page  # nothing half-applied: no delivery step yet


def test_checkout_bank_transfer_shows_vietqr(client):
    add(client, ListedProductFactory().variants.first())
    response = place(client, payment="BANK_TRANSFER")
    page = client.get(response.url).content.decode()
    assert "VietQR" in page and 'src="data:image/svg+xml' in page
    from marketplace.orders.models import Order

    assert Order.objects.get().number.replace("-", "") in page  # the transfer note


def test_card_option_only_with_stripe_key(client, settings):
    add(client, ListedProductFactory().variants.first())
    client.post("/thanh-toan/", address())
    settings.STRIPE_PUBLISHABLE_KEY = ""
    page = client.get("/thanh-toan/").content.decode()
    assert 'value="STRIPE"' not in page and "js.stripe.com" not in page
    response = client.post("/thanh-toan/", {"step": "place", "delivery_method": "home", "payment": "STRIPE"})
    assert response.status_code == 200 and "Hãy chọn phương thức thanh toán" in response.content.decode()
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert 'value="STRIPE"' not in client.get("/thanh-toan/").content.decode()  # nothing would mark it paid
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    page = client.get("/thanh-toan/").content.decode()
    assert 'value="STRIPE"' in page and "data-needs-stripe hidden" in page  # shown only once Stripe.js loads


def test_bank_transfer_option_only_with_a_bank_account(client, settings):
    add(client, ListedProductFactory().variants.first())
    client.post("/thanh-toan/", address())
    assert 'value="BANK_TRANSFER"' in client.get("/thanh-toan/").content.decode()
    settings.BANK_TRANSFER_ACCOUNT = ""
    page = client.get("/thanh-toan/").content.decode()
    assert 'value="BANK_TRANSFER"' not in page and 'value="COD"' in page
    response = client.post("/thanh-toan/", {"step": "place", "delivery_method": "home", "payment": "BANK_TRANSFER"})
    assert response.status_code == 200 and "Hãy chọn phương thức thanh toán" in response.content.decode()


def test_order_confirmation_is_private(client):
    add(client, ListedProductFactory().variants.first())
    url = place(client).url
    from django.test import Client

    assert Client().get(url).status_code == 404


def test_order_tracking_by_number_and_phone_or_email(client):
    add(client, ListedProductFactory().variants.first())
    place(client)
    from django.test import Client

    from marketplace.orders.models import Order

    number = Order.objects.get().number
    guest = Client()
    for contact in ("0912345678", "+84 912 345 678", "LAN@example.com"):
        page = guest.post("/tra-cuu-don-hang/", {"number": number.lower(), "contact": contact}).content.decode()
        assert number in page, contact
    page = guest.post("/tra-cuu-don-hang/", {"number": number, "contact": "0999999999"}).content.decode()
    assert "Không tìm thấy đơn hàng" in page and "Nguyễn Thị Lan" not in page


def test_my_orders_lists_the_signed_in_users_orders(client):
    user = UserFactory(email="hoa@example.com")
    client.force_login(user)
    add(client, ListedProductFactory().variants.first())
    place(client)
    from marketplace.orders.models import Order

    order = Order.objects.get()
    assert order.user == user
    page = client.get("/tai-khoan/don-hang/").content.decode()
    assert order.number in page
    assert client.get(f"/don-hang/{order.number}/").status_code == 200


def test_checkout_without_cart_goes_to_cart(client):
    response = client.get("/thanh-toan/")
    assert response.status_code == 302 and response.url == "/gio-hang/"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_cart_add_never_redirects_off_site(client, evil):
    product = ListedProductFactory()
    Certification.objects.filter(pk=product.current_certification_id).update(valid_until=today_in_vietnam())
    response = client.post("/gio-hang/them/", {"variant": product.variants.first().pk, "quantity": 1, "next": evil})
    assert response.status_code == 302 and response.url == "/gio-hang/"


def test_card_payment_through_stripe_elements(client, settings):
    import responses

    settings.STRIPE_SECRET_KEY = "sk_test_dummy"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    add(client, ListedProductFactory().variants.first())
    assert client.post("/thanh-toan/", address()).status_code == 302
    with responses.RequestsMock() as rsps:
        rsps.post(
            "https://api.stripe.com/v1/payment_intents",
            json={"id": "pi_123", "object": "payment_intent", "client_secret": "pi_123_secret_abc", "amount": 0},
        )
        response = client.post("/thanh-toan/", {"step": "place", "delivery_method": "home", "payment": "STRIPE"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-secret="pi_123_secret_abc"' in page and 'data-key="pk_test_123"' in page
    assert "https://js.stripe.com/v3/" in page and "COD" in page  # a way back if Stripe.js cannot load
    # Stripe.js confirms the card and sends the browser back: the order is placed, paid later by the webhook.
    response = client.get("/thanh-toan/?stripe=return")
    assert response.status_code == 302 and response.url.startswith("/don-hang/")
    from marketplace.orders.models import Order

    order = Order.objects.get()
    assert order.payment_method == "stripe" and order.payment_status != "paid"


def test_signed_in_buyer_cancels_a_pending_order(client):
    from marketplace.inventory.models import Stock
    from marketplace.orders import services as order_services
    from marketplace.orders.models import Order

    variant = ListedProductFactory(variant__stock=5).variants.first()
    buyer = UserFactory(email="lan@example.com")
    client.force_login(buyer)
    add(client, variant, 2)
    url = place(client).url
    order = Order.objects.get()
    assert order.user == buyer and Stock.objects.get(variant=variant).quantity_allocated == 2
    page = client.get(url).content.decode()
    assert f'action="/don-hang/{order.number}/huy/"' in page
    from django.test import Client

    other = Client()
    other.force_login(UserFactory())
    assert other.post(f"/don-hang/{order.number}/huy/").status_code == 404
    assert client.get(f"/don-hang/{order.number}/huy/").status_code == 405
    response = client.post(f"/don-hang/{order.number}/huy/", follow=True)
    assert "Đã hủy đơn hàng" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "canceled" and Stock.objects.get(variant=variant).quantity_allocated == 0
    assert "/huy/" not in client.get(url).content.decode()

    add(client, variant, 1)
    url = place(client).url
    packed = Order.objects.exclude(pk=order.pk).get()
    order_services.set_fulfilment_status(
        fulfilment=packed.fulfilments.get(), status="packed", user=UserFactory(is_superuser=True, is_staff=True)
    )
    assert "/huy/" not in client.get(url).content.decode()
    page = client.post(f"/don-hang/{packed.number}/huy/", follow=True).content.decode()
    assert "không thể hủy" in page
    packed.refresh_from_db()
    assert packed.status == "processing"
