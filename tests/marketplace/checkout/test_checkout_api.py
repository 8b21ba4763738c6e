from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from marketplace.catalog.models import Product
from tests.factories import ProducerFactory, ProductFactory, UserFactory, VariantFactory

from .conftest import listed_variant, thanh_hoa_address

pytestmark = pytest.mark.django_db

CHECKOUT_FIELDS = """
  id email
  lines { id quantity productName producerName unitPrice { amount } totalPrice { amount } variant { id sku } }
  parcels { producerName weightGrams subtotal { amount } shippingPrice { amount } }
  subtotal { amount currency } shippingPrice { amount } total { amount }
  availableDeliveryMethods { id name price { amount } }
  deliveryMethod { id }
  shippingAddress { fullName phone province commune }
  problems { code message lineId }
"""
ERRORS = "errors { field message code }"

CREATE = f"""mutation($input: CheckoutCreateInput!) {{ checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }} }}"""
ADD = f"""mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{ checkoutLinesAdd(id: $id, lines: $lines) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{ checkoutLinesUpdate(id: $id, lines: $lines) {{ checkout {{ id lines {{ quantity }} }} {ERRORS} }} }}"""
DELETE = f"""mutation($id: ID!, $lineIds: [ID!]!) {{ checkoutLinesDelete(id: $id, lineIds: $lineIds) {{ checkout {{ id lines {{ id }} }} {ERRORS} }} }}"""
EMAIL = f"""mutation($id: ID!, $email: String!) {{ checkoutEmailUpdate(id: $id, email: $email) {{ checkout {{ email }} {ERRORS} }} }}"""
ADDRESS = f"""mutation($id: ID!, $a: AddressInput!) {{ checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }} }}"""
DELIVERY = f"""mutation($id: ID!, $m: ID!) {{ checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) {{ checkout {{ total {{ amount }} deliveryMethod {{ id price {{ amount }} }} }} {ERRORS} }} }}"""
PAY = f"""mutation($id: ID!, $g: PaymentGatewayEnum!) {{ checkoutPaymentCreate(id: $id, gateway: $g) {{
  payment {{ gateway amount {{ amount }} clientSecret bankTransfer {{ qrPayload qrSvgUrl amount {{ amount }} note }} }} {ERRORS} }} }}"""
COMPLETE = f"""mutation($id: ID!) {{ checkoutComplete(id: $id) {{
  order {{ number status paymentStatus total {{ amount currency }} lines {{ productName quantity unitPrice {{ amount }} }}
          fulfilments {{ id producerName status trackingNumber }} }} {ERRORS} }} }}"""
ORDER = """query($n: String!, $e: String, $p: String) { order(number: $n, email: $e, phone: $p) { number total { amount } } }"""


def gid(variant):
    return to_global_id("ProductVariant", variant.pk)


def address_input():
    a = thanh_hoa_address()
    return {
        "fullName": a["full_name"],
        "phone": a["phone"],
        "province": a["province"],
        "commune": a["commune"],
        "streetAddress": a["street_address"],
    }


def create(gql, lines, email="an@example.com"):
    data = gql.execute(CREATE, {"input": {"email": email, "lines": lines}})["checkoutCreate"]
    assert data["errors"] == []
    return data["checkout"]


def test_full_flow_cod(gql, django_capture_on_commit_callbacks, mailoutbox):
    a = listed_variant(price=100_000, producer=ProducerFactory())
    b = listed_variant(price=60_000, producer=ProducerFactory())
    checkout = create(gql, [{"variantId": gid(a), "quantity": 1}])
    cid = checkout["id"]
    assert checkout["availableDeliveryMethods"] == []
    data = gql.execute(
        ADD, {"id": cid, "lines": [{"variantId": gid(b), "quantity": 2}, {"variantId": str(a.pk), "quantity": 1}]}
    )
    assert [line["quantity"] for line in data["checkoutLinesAdd"]["checkout"]["lines"]] == [2, 2]
    gql.execute(EMAIL, {"id": cid, "email": "binh@example.com"})
    data = gql.execute(ADDRESS, {"id": cid, "a": address_input()})["checkoutShippingAddressUpdate"]
    assert data["errors"] == []
    methods = data["checkout"]["availableDeliveryMethods"]
    assert methods[0]["id"] == "home"
    data = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]
    assert data["order"] is None
    assert {e["code"] for e in data["errors"]} == {"DELIVERY_METHOD_REQUIRED", "PAYMENT_REQUIRED"}
    data = gql.execute(DELIVERY, {"id": cid, "m": "home"})["checkoutDeliveryMethodUpdate"]
    total = data["checkout"]["total"]["amount"]
    assert total == 2 * 100_000 + 2 * 60_000 + data["checkout"]["deliveryMethod"]["price"]["amount"]
    pay = gql.execute(PAY, {"id": cid, "g": "COD"})["checkoutPaymentCreate"]
    assert pay["payment"]["gateway"] == "COD"
    with django_capture_on_commit_callbacks(execute=True):
        order = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]
    assert order["errors"] == []
    order = order["order"]
    assert (order["status"], order["paymentStatus"]) == ("UNFULFILLED", "UNPAID")
    assert order["total"] == {"amount": total, "currency": "VND"}
    assert len(order["fulfilments"]) == 2
    again = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]
    assert again["order"]["number"] == order["number"]
    assert len(mailoutbox) == 1
    # guests look the order up by number + e-mail or phone; a wrong e-mail sees nothing
    assert gql.execute(ORDER, {"n": order["number"], "e": "binh@example.com"})["order"]["number"] == order["number"]
    assert gql.execute(ORDER, {"n": order["number"], "p": "+84 912 345 678"})["order"]
    assert gql.execute(ORDER, {"n": order["number"], "e": "eve@example.com"})["order"] is None
    assert gql.execute(ORDER, {"n": order["number"]})["order"] is None


def test_errors_have_codes(gql):
    v = listed_variant(stock=3)
    unlisted = VariantFactory(product=ProductFactory(), stock=10)
    data = gql.execute(
        CREATE, {"input": {"email": "a@example.com", "lines": [{"variantId": gid(unlisted), "quantity": 1}]}}
    )
    assert data["checkoutCreate"]["errors"][0]["code"] == "NOT_LISTED"
    data = gql.execute(CREATE, {"input": {"email": "a@example.com", "lines": [{"variantId": gid(v), "quantity": 4}]}})
    assert data["checkoutCreate"]["errors"] == [
        {"field": str(v.pk), "message": data["checkoutCreate"]["errors"][0]["message"], "code": "INSUFFICIENT_STOCK"}
    ]
    cid = create(gql, [{"variantId": gid(v), "quantity": 1}])["id"]
    data = gql.execute(ADDRESS, {"id": cid, "a": {**address_input(), "phone": "0123"}})["checkoutShippingAddressUpdate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("phone", "INVALID_PHONE")]
    data = gql.execute(EMAIL, {"id": cid, "email": "not-an-email"})["checkoutEmailUpdate"]
    assert data["errors"][0]["code"] == "INVALID_EMAIL"
    data = gql.execute(DELIVERY, {"id": cid, "m": "home"})["checkoutDeliveryMethodUpdate"]
    assert data["errors"][0]["code"] == "SHIPPING_ADDRESS_REQUIRED"
    data = gql.execute(EMAIL, {"id": "00000000-0000-4000-8000-000000000000", "email": "a@example.com"})[
        "checkoutEmailUpdate"
    ]
    assert data["errors"][0]["code"] == "NOT_FOUND"


def test_delisted_line_is_a_problem(gql):
    v = listed_variant()
    checkout = create(gql, [{"variantId": gid(v), "quantity": 1}])
    Product.objects.filter(pk=v.product_id).update(is_published=False)
    data = gql.execute("query($id: ID!) { checkout(id: $id) { problems { code lineId } } }", {"id": checkout["id"]})
    assert data["checkout"]["problems"] == [{"code": "NOT_LISTED", "lineId": checkout["lines"][0]["id"]}]
    data = gql.execute(DELETE, {"id": checkout["id"], "lineIds": [checkout["lines"][0]["id"]]})
    assert data["checkoutLinesDelete"]["checkout"]["lines"] == []


def test_bank_transfer_payment_returns_vietqr(gql):
    v = listed_variant()
    cid = create(gql, [{"variantId": gid(v), "quantity": 1}])["id"]
    gql.execute(ADDRESS, {"id": cid, "a": address_input()})
    gql.execute(DELIVERY, {"id": cid, "m": "home"})
    pay = gql.execute(PAY, {"id": cid, "g": "BANK_TRANSFER"})["checkoutPaymentCreate"]["payment"]
    bank = pay["bankTransfer"]
    assert bank["qrSvgUrl"].startswith("data:image/svg+xml")
    assert bank["amount"]["amount"] == pay["amount"]["amount"]
    assert f"54{len(str(bank['amount']['amount'])):02d}{bank['amount']['amount']}" in bank["qrPayload"]
    order = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]["order"]
    assert order["number"].replace("-", "") == bank["note"]


def test_me_orders(gql, client):
    from marketplace.accounts import services as accounts

    user = UserFactory(email="me@example.com")
    _user, token = accounts.create_token(email="me@example.com", password="test-password-123", request=None)
    gql.authenticate(token)
    v = listed_variant()
    cid = create(gql, [{"variantId": gid(v), "quantity": 1}], email="me@example.com")["id"]
    gql.execute(ADDRESS, {"id": cid, "a": address_input()})
    gql.execute(DELIVERY, {"id": cid, "m": "home"})
    gql.execute(PAY, {"id": cid, "g": "COD"})
    number = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]["order"]["number"]
    data = gql.execute("{ me { email orders(first: 10) { totalCount edges { node { number status } } } } }")
    assert data["me"]["orders"]["totalCount"] == 1
    assert data["me"]["orders"]["edges"][0]["node"]["number"] == number
    assert user.orders.count() == 1
    assert gql.execute(ORDER, {"n": number})["order"]["number"] == number  # the owner needs no e-mail


def _variants(n):
    producers = [ProducerFactory() for _ in range(min(n, 3))]
    return [listed_variant(producer=producers[i % len(producers)]) for i in range(n)]


def _assert_no_duplicates(ctx):
    counts = Counter(q["sql"] for q in ctx.captured_queries)
    dupes = {sql: c for sql, c in counts.items() if c > 1}
    assert not dupes, dupes


@pytest.mark.parametrize("n", [1, 10])
def test_query_budgets(gql, n, django_capture_on_commit_callbacks):
    variants = _variants(n + 1)
    lines = [{"variantId": gid(v), "quantity": 1} for v in variants[:n]]
    with CaptureQueriesContext(connection) as ctx:
        cid = create(gql, lines)["id"]
    assert len(ctx.captured_queries) <= 25, len(ctx.captured_queries)
    _assert_no_duplicates(ctx)
    with CaptureQueriesContext(connection) as ctx:
        gql.execute(ADD, {"id": cid, "lines": [{"variantId": gid(variants[n]), "quantity": 2}]})
    assert len(ctx.captured_queries) <= 25, len(ctx.captured_queries)
    _assert_no_duplicates(ctx)
    gql.execute(ADDRESS, {"id": cid, "a": address_input()})
    gql.execute(DELIVERY, {"id": cid, "m": "home"})
    gql.execute(PAY, {"id": cid, "g": "COD"})
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        data = gql.execute(COMPLETE, {"id": cid})["checkoutComplete"]
    assert data["errors"] == []
    assert len(ctx.captured_queries) <= 60, len(ctx.captured_queries)
    _assert_no_duplicates(ctx)


def test_checkout_create_is_rate_limited(gql, settings):
    settings.CHECKOUT_CREATE_RATE_LIMIT = "2/h"  # an hour window: the test never straddles a window edge
    v = listed_variant()
    lines = [{"variantId": gid(v), "quantity": 1}]
    create(gql, lines)
    create(gql, lines)
    data = gql.execute(CREATE, {"input": {"email": "a@example.com", "lines": lines}})["checkoutCreate"]
    assert data["errors"][0]["code"] == "RATE_LIMITED"


FULFIL = """mutation($id: ID!, $s: FulfilmentStatus!, $t: String) { orderFulfilmentUpdate(id: $id, status: $s, trackingNumber: $t) {
  order { status paymentStatus } fulfilment { status trackingNumber } errors { field message code } } }"""
CONFIRM = (
    """mutation($n: String!) { orderConfirmBankTransfer(number: $n) { order { paymentStatus } errors { code } } }"""
)


def test_producer_moves_its_parcel_and_confirms_a_transfer(gql):
    from marketplace.accounts import services as accounts
    from marketplace.checkout import services as checkout_services
    from tests.factories import ProducerStaffFactory

    from .conftest import ready_checkout

    v = listed_variant()
    order = checkout_services.complete_checkout(checkout=ready_checkout([(v.pk, 1)], gateway="BANK_TRANSFER"))
    fulfilment_id = to_global_id("Fulfilment", order.fulfilments.get().pk)
    data = gql.execute(FULFIL, {"id": fulfilment_id, "s": "PACKED"})["orderFulfilmentUpdate"]
    assert data["errors"][0]["code"] == "PERMISSION_DENIED"  # anonymous
    assert (
        gql.execute(CONFIRM, {"n": order.number})["orderConfirmBankTransfer"]["errors"][0]["code"]
        == "PERMISSION_DENIED"
    )
    staff = ProducerStaffFactory(producer=v.product.producer, user=UserFactory(email="staff@example.com")).user
    _u, token = accounts.create_token(email=staff.email, password="test-password-123", request=None)
    gql.authenticate(token)
    data = gql.execute(FULFIL, {"id": fulfilment_id, "s": "SHIPPED", "t": "VTP-123"})["orderFulfilmentUpdate"]
    assert data["errors"] == []
    assert data["fulfilment"] == {"status": "SHIPPED", "trackingNumber": "VTP-123"}
    assert data["order"]["status"] == "SHIPPED"
    data = gql.execute(CONFIRM, {"n": order.number})["orderConfirmBankTransfer"]
    assert data == {"order": {"paymentStatus": "PAID"}, "errors": []}


def _count(gql, query, variables=None):
    with CaptureQueriesContext(connection) as ctx:
        gql.execute(query, variables or {})
    return len(ctx.captured_queries)


def test_checkout_and_my_orders_cost_a_constant_number_of_queries(gql):
    from marketplace.accounts import services as accounts
    from marketplace.checkout import services as checkout_services

    from .conftest import ready_checkout

    variants = _variants(10)
    small = ready_checkout([(variants[0].pk, 1)])
    big = ready_checkout([(v.pk, 1) for v in variants])
    query = f"query($id: ID!) {{ checkout(id: $id) {{ {CHECKOUT_FIELDS} }} }}"
    assert _count(gql, query, {"id": str(small.token)}) == _count(gql, query, {"id": str(big.token)}) <= 6

    user = UserFactory(email="many@example.com")
    _u, token = accounts.create_token(email=user.email, password="test-password-123", request=None)
    gql.authenticate(token)
    my_orders = "{ me { orders(first: 20) { totalCount edges { node { number total { amount } lines { sku } fulfilments { producerName status } } } } } }"
    checkout_services.complete_checkout(checkout=ready_checkout([(variants[0].pk, 1)], user=user))
    one = _count(gql, my_orders)
    for v in variants[1:]:
        checkout_services.complete_checkout(checkout=ready_checkout([(v.pk, 1), (variants[0].pk, 1)], user=user))
    assert _count(gql, my_orders) == one
