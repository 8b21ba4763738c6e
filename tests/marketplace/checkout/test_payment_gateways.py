"""checkout { availablePaymentGateways }: one selector for the API, the checkout page and checkoutPaymentCreate."""

import pytest

from marketplace.checkout import services

from .conftest import listed_variant, thanh_hoa_address

pytestmark = pytest.mark.django_db

QUERY = "query($id: ID!) { checkout(id: $id) { availablePaymentGateways } }"
PAY = """mutation($id: ID!, $g: PaymentGatewayEnum!) { checkoutPaymentCreate(id: $id, gateway: $g) {
  payment { gateway } errors { field code } } }"""


@pytest.fixture
def checkout(db):
    cart = services.create_checkout(email="an@example.com", lines=[(listed_variant().pk, 1)])
    services.set_shipping_address(checkout=cart, **thanh_hoa_address())
    services.set_delivery_method(checkout=cart, delivery_method_id="home")
    return cart


def _gateways(gql, checkout) -> list[str]:
    return gql.execute(QUERY, {"id": str(checkout.token)})["checkout"]["availablePaymentGateways"]


def test_stripe_only_with_all_its_keys(gql, checkout, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert _gateways(gql, checkout) == ["COD", "BANK_TRANSFER"]
    settings.STRIPE_SECRET_KEY = "sk_test_1"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_1"
    assert "STRIPE" not in _gateways(gql, checkout)
    settings.STRIPE_WEBHOOK_SECRET = "whsec_1"
    assert _gateways(gql, checkout) == ["COD", "BANK_TRANSFER", "STRIPE"]


def test_bank_transfer_only_with_the_bank_account(gql, checkout, settings):
    settings.STRIPE_SECRET_KEY = ""
    for name in ("BANK_TRANSFER_BIN", "BANK_TRANSFER_ACCOUNT", "BANK_TRANSFER_ACCOUNT_NAME"):
        saved = getattr(settings, name)
        setattr(settings, name, "")
        assert _gateways(gql, checkout) == ["COD"], name
        setattr(settings, name, saved)
    assert _gateways(gql, checkout) == ["COD", "BANK_TRANSFER"]


def test_payment_create_refuses_what_is_not_offered(gql, checkout, settings):
    settings.BANK_TRANSFER_ACCOUNT = ""
    result = gql.execute(PAY, {"id": str(checkout.token), "g": "BANK_TRANSFER"})["checkoutPaymentCreate"]
    assert result["payment"] is None
    assert result["errors"] == [{"field": "gateway", "code": "GATEWAY_NOT_CONFIGURED"}]
    settings.STRIPE_SECRET_KEY = "sk_test_1"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_1"
    settings.STRIPE_WEBHOOK_SECRET = ""
    result = gql.execute(PAY, {"id": str(checkout.token), "g": "STRIPE"})["checkoutPaymentCreate"]
    assert result["errors"] == [{"field": "gateway", "code": "GATEWAY_NOT_CONFIGURED"}]
    result = gql.execute(PAY, {"id": str(checkout.token), "g": "COD"})["checkoutPaymentCreate"]
    assert result == {"payment": {"gateway": "COD"}, "errors": []}
