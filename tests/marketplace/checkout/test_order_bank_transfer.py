"""The VietQR shown again after the order: on the confirmation and tracking pages and on GraphQL `order { payment }`."""

import pytest
from django.test import Client

from marketplace.checkout import services as checkout_services
from marketplace.orders.models import Order
from marketplace.payments import services as payment_services
from marketplace.payments import vietqr
from tests.factories import UserFactory

from .conftest import listed_variant, ready_checkout

pytestmark = pytest.mark.django_db

ORDER = """query($n: String!, $e: String) { order(number: $n, email: $e) {
  number payment { gateway status amount { amount }
  bankTransfer { qrPayload qrSvgUrl amount { amount } note account accountName } } } }"""


def _order(gateway: str = "bank_transfer") -> Order:
    checkout = ready_checkout([(listed_variant(price=150_000).pk, 2)], gateway=gateway)
    return checkout_services.complete_checkout(checkout=checkout)


def _track(number: str) -> str:
    return Client().post("/tra-cuu-don-hang/", {"number": number, "contact": "an@example.com"}).content.decode()


def test_graphql_order_carries_the_vietqr_while_unpaid(gql, settings):
    order = _order()
    data = gql.execute(ORDER, {"n": order.number, "e": "an@example.com"})["order"]["payment"]
    assert data["gateway"] == "BANK_TRANSFER" and data["status"] == "PENDING"
    assert data["amount"]["amount"] == order.total
    bank = data["bankTransfer"]
    assert bank["note"] == order.number.replace("-", "") and bank["amount"]["amount"] == order.total
    assert (
        bank["account"] == settings.BANK_TRANSFER_ACCOUNT and bank["accountName"] == settings.BANK_TRANSFER_ACCOUNT_NAME
    )
    assert bank["qrSvgUrl"].startswith("data:image/svg+xml")
    assert vietqr.crc16_ccitt_false(bank["qrPayload"][:-4].encode()) == int(bank["qrPayload"][-4:], 16)
    assert f"54{len(str(order.total)):02d}{order.total}" in bank["qrPayload"]  # the amount field

    office = UserFactory(is_staff=True, is_superuser=True)
    payment_services.confirm_bank_transfer(order=order, user=office)
    data = gql.execute(ORDER, {"n": order.number, "e": "an@example.com"})["order"]["payment"]
    assert data["status"] == "SUCCEEDED" and data["bankTransfer"] is None


def test_graphql_cod_order_has_no_bank_transfer(gql):
    order = _order("cod")
    data = gql.execute(ORDER, {"n": order.number, "e": "an@example.com"})["order"]["payment"]
    assert data == {"gateway": "COD", "status": "PENDING", "amount": {"amount": order.total}, "bankTransfer": None}


def test_order_list_reads_payments_in_constant_queries(gql):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.accounts.tokens import issue_token

    user = UserFactory()
    gql.authenticate(issue_token(user))
    query = (
        "{ me { orders(first: 20) { edges { node { number payment { gateway status bankTransfer { note } } } } } } }"
    )
    counts = []
    for n in (1, 10):
        while Order.objects.filter(user=user).count() < n:
            checkout = ready_checkout([(listed_variant().pk, 1)], gateway="bank_transfer", user=user)
            checkout_services.complete_checkout(checkout=checkout, user=user)
        with CaptureQueriesContext(connection) as ctx:
            edges = gql.execute(query)["me"]["orders"]["edges"]
        assert len(edges) == n and all(e["node"]["payment"]["bankTransfer"]["note"] for e in edges)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_tracking_page_shows_the_vietqr_only_while_unpaid():
    order = _order()
    page = _track(order.number)
    assert "VietQR" in page and 'src="data:image/svg+xml' in page
    assert order.number.replace("-", "") in page and "300.000" in page
    payment_services.confirm_bank_transfer(order=order, user=UserFactory(is_staff=True, is_superuser=True))
    assert 'src="data:image/svg+xml' not in _track(order.number)


def test_no_vietqr_when_the_buyer_switched_from_bank_transfer_to_cod():
    checkout = ready_checkout([(listed_variant().pk, 1)], gateway="bank_transfer")
    payment_services.create_payment(checkout=checkout, gateway="cod")
    order = checkout_services.complete_checkout(checkout=checkout)
    assert order.payment_method == "cod"
    assert 'src="data:image/svg+xml' not in _track(order.number)


def test_no_vietqr_once_the_order_is_cancelled(gql):
    buyer = UserFactory()
    checkout = ready_checkout([(listed_variant().pk, 1)], gateway="bank_transfer", user=buyer)
    order = checkout_services.complete_checkout(checkout=checkout, user=buyer)
    assert 'src="data:image/svg+xml' in _track(order.number)
    payment_services.cancel_order(order=order, user=buyer)
    assert 'src="data:image/svg+xml' not in _track(order.number)
    data = gql.execute(ORDER, {"n": order.number, "e": "an@example.com"})["order"]["payment"]
    assert data["status"] == "PENDING" and data["bankTransfer"] is None
