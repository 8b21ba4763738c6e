"""Cancelling an order before it ships: stock back, card refunds through Stripe (faked at HTTP), ledger reversed."""

from urllib.parse import parse_qs

import pytest

from marketplace.checkout import services as checkout_services
from marketplace.core.errors import DomainError
from marketplace.inventory.models import Stock
from marketplace.orders import services as order_services
from marketplace.orders.models import Fulfilment, Order, OrderEvent
from marketplace.payments import services
from marketplace.payments.models import LedgerEntry, Payment
from tests.factories import ProducerStaffFactory, UserFactory

from .conftest import ready_checkout
from .test_payments import WEBHOOK_SECRET, event, post_event, stripe_checkout

pytestmark = pytest.mark.django_db

CANCEL = """mutation($n: String!, $r: String) { orderCancel(number: $n, reason: $r) {
  order { number status paymentStatus fulfilments { status } } errors { field code } } }"""


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dummy"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_dummy"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = ""


def office():
    return UserFactory(is_staff=True, is_superuser=True)


def allocated(variant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("quantity_allocated", flat=True))


def place(lines, *, user, gateway="cod") -> Order:
    checkout = ready_checkout(lines, gateway=gateway, user=user)
    return checkout_services.complete_checkout(checkout=checkout, user=user)


def test_buyer_cancels_a_pending_order_and_the_stock_comes_back(two_producers):
    a, b = two_producers
    buyer = UserFactory()
    order = place([(a.pk, 2), (b.pk, 1)], user=buyer)
    assert (allocated(a), allocated(b)) == (2, 1)

    cancelled = services.cancel_order(order=order, user=buyer, reason="  Đặt nhầm  ")

    assert cancelled.status == Order.Status.CANCELED
    assert set(order.fulfilments.values_list("status", flat=True)) == {Fulfilment.Status.CANCELED}
    assert (allocated(a), allocated(b)) == (0, 0)
    assert order.lines.filter(allocations__isnull=False).count() == 0
    cancel_event = OrderEvent.objects.get(order=order, type=OrderEvent.Type.CANCELED)
    assert cancel_event.message == "Đặt nhầm" and cancel_event.user == buyer
    assert cancel_event.data == {"by": "customer", "reason": "Đặt nhầm"}
    # Idempotent: again changes nothing.
    services.cancel_order(order=order, user=buyer)
    assert OrderEvent.objects.filter(order=order, type=OrderEvent.Type.CANCELED).count() == 1
    assert (allocated(a), allocated(b)) == (0, 0)


def test_who_may_cancel_and_when(two_producers):
    a, b = two_producers
    buyer = UserFactory()
    order = place([(a.pk, 1), (b.pk, 1)], user=buyer)
    for stranger in (None, UserFactory(), ProducerStaffFactory(producer=a.product.producer).user):
        with pytest.raises(DomainError) as exc:
            services.cancel_order(order=order, user=stranger)
        assert exc.value.code == "PERMISSION_DENIED"
    parcel = order.fulfilments.get(producer=a.product.producer)
    order_services.set_fulfilment_status(fulfilment=parcel, status="packed", user=office())
    with pytest.raises(DomainError) as exc:
        services.cancel_order(order=order, user=buyer)
    assert exc.value.code == "NOT_CANCELABLE"
    assert allocated(a) == 1 and Order.objects.get(pk=order.pk).status != Order.Status.CANCELED
    # The program office may still cancel a packed (not shipped) order.
    assert services.cancel_order(order=order, user=office()).status == Order.Status.CANCELED
    assert allocated(a) == 0

    shipped = place([(a.pk, 1)], user=buyer)
    order_services.set_fulfilment_status(fulfilment=shipped.fulfilments.get(), status="shipped", user=office())
    with pytest.raises(DomainError) as exc:
        services.cancel_order(order=shipped, user=office())
    assert exc.value.code == "NOT_CANCELABLE"


def _paid_card_order(variant, client, buyer) -> Order:
    checkout, _payment, _req, _body = stripe_checkout(variant)
    checkout.user = buyer
    checkout.save()
    order = checkout_services.complete_checkout(checkout=checkout, user=buyer)
    assert post_event(client, event("evt_ok", "payment_intent.succeeded", "pi_123", order.total)).status_code == 200
    order.refresh_from_db()
    assert order.payment_status == "paid" and LedgerEntry.objects.filter(order=order, kind="sale").exists()
    return order


def test_cancelling_a_paid_card_order_refunds_through_stripe_and_reverses_the_ledger(
    variant, client, httpserver, settings
):
    buyer = UserFactory()
    order = _paid_card_order(variant, client, buyer)
    settings.STRIPE_API_BASE = httpserver.url_for("/")
    httpserver.expect_request("/v1/refunds", method="POST").respond_with_json(
        {"id": "re_9", "object": "refund", "amount": order.total, "status": "succeeded"}
    )

    services.cancel_order(order=order, user=buyer)

    request, _response = httpserver.log[0]
    assert parse_qs(request.get_data(as_text=True)) == {"payment_intent": ["pi_123"], "amount": [str(order.total)]}
    assert request.headers["Idempotency-Key"] == f"refund-{order.number}"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("canceled", "refunded")
    assert Payment.objects.get(psp_reference="pi_123").status == "refunded"
    sale = LedgerEntry.objects.get(order=order, kind="sale")
    reversal = LedgerEntry.objects.get(order=order, kind="refund")
    assert (reversal.gross, reversal.commission, reversal.net) == (-sale.gross, -sale.commission, -sale.net)
    assert allocated(variant) == 0


def test_a_stripe_failure_leaves_the_order_as_it_was(variant, client, httpserver, settings):
    buyer = UserFactory()
    order = _paid_card_order(variant, client, buyer)
    settings.STRIPE_API_BASE = httpserver.url_for("/")
    httpserver.expect_request("/v1/refunds", method="POST").respond_with_json(
        {"error": {"type": "invalid_request_error", "message": "charge already refunded"}}, status=400
    )
    with pytest.raises(DomainError) as exc:
        services.cancel_order(order=order, user=buyer)
    assert exc.value.code == "GATEWAY_ERROR"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("unfulfilled", "paid")
    assert allocated(variant) == 2
    assert not LedgerEntry.objects.filter(order=order, kind="refund").exists()
    assert not OrderEvent.objects.filter(order=order, type=OrderEvent.Type.CANCELED).exists()


def test_a_paid_bank_transfer_is_cancelled_by_the_office_only(variant):
    buyer = UserFactory()
    order = place([(variant.pk, 1)], user=buyer, gateway="bank_transfer")
    staff = office()
    services.confirm_bank_transfer(order=order, user=staff)
    with pytest.raises(DomainError) as exc:
        services.cancel_order(order=order, user=buyer)
    assert exc.value.code == "NOT_CANCELABLE"
    services.cancel_order(order=order, user=staff)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("canceled", "refunded")
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1


def test_graphql_order_cancel(gql, variant):
    from marketplace.accounts.tokens import issue_token

    buyer = UserFactory()
    order = place([(variant.pk, 1)], user=buyer)
    result = gql.execute(CANCEL, {"n": order.number})["orderCancel"]
    assert result == {"order": None, "errors": [{"field": None, "code": "PERMISSION_DENIED"}]}
    gql.authenticate(issue_token(buyer))
    result = gql.execute(CANCEL, {"n": order.number.lower(), "r": "Không cần nữa"})["orderCancel"]
    assert result["errors"] == []
    assert result["order"]["status"] == "CANCELED"
    assert result["order"]["fulfilments"] == [{"status": "CANCELED"}]
    assert gql.execute(CANCEL, {"n": "DH000000-XXXXX"})["orderCancel"]["errors"][0]["code"] == "NOT_FOUND"


def test_admin_action_cancels(client, variant):
    staff = office()
    order = place([(variant.pk, 1)], user=UserFactory())
    client.force_login(staff)
    response = client.post("/admin/orders/order/", {"action": "cancel", "_selected_action": [order.pk]}, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "canceled" and allocated(variant) == 0
