import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs

import pytest
import responses

from marketplace.checkout import services as checkout_services
from marketplace.core.errors import DomainError
from marketplace.orders.models import Order
from marketplace.payments import services, vietqr
from marketplace.payments.models import LedgerEntry, Payment, ProcessedEvent
from tests.factories import ProducerStaffFactory, UserFactory

from .conftest import ready_checkout

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_test_secret"
STRIPE_PI = "https://api.stripe.com/v1/payment_intents"


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dummy"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_dummy"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = ""


# --- VietQR --------------------------------------------------------------------------------------------


def parse_tlv(data: str) -> dict[str, str]:
    fields, i = {}, 0
    while i < len(data):
        tag, length = data[i : i + 2], int(data[i + 2 : i + 4])
        fields[tag] = data[i + 4 : i + 4 + length]
        i += 4 + length
    return fields


def crc_ok(data: str) -> bool:
    return f"{vietqr.crc16_ccitt_false(data[:-4].encode('ascii')):04X}" == data[-4:]


# A VietQR string produced by a live payOS payment link (MB Bank BIN 970422): our CRC must agree with it.
KNOWN_GOOD = "00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346"


def test_crc_matches_a_known_good_vietqr_and_the_check_value():
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE check value
    assert crc_ok(KNOWN_GOOD)
    fields = parse_tlv(KNOWN_GOOD)
    assert parse_tlv(fields["38"])["00"] == "A000000727"
    assert parse_tlv(parse_tlv(fields["38"])["01"])["00"] == "970422"


def test_our_payload_decodes_to_the_right_fields():
    data = vietqr.payload(bin="970436", account="0011001932418", amount=1_250_000, note="DH261128-7XK2P")
    assert crc_ok(data)
    fields = parse_tlv(data)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    merchant = parse_tlv(fields["38"])
    assert merchant["00"] == "A000000727"
    assert merchant["02"] == "QRIBFTTA"
    assert parse_tlv(merchant["01"]) == {"00": "970436", "01": "0011001932418"}
    assert fields["53"] == "704"
    assert fields["54"] == "1250000"
    assert fields["58"] == "VN"
    assert parse_tlv(fields["62"]) == {"08": "DH2611287XK2P"}
    # same structure as the known-good string, field for field
    assert list(fields) == list(parse_tlv(KNOWN_GOOD))


# --- Stripe ---------------------------------------------------------------------------------------------


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def event(event_id: str, type_: str, pi: str, amount: int) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type_,
            "data": {
                "object": {
                    "id": pi,
                    "object": "payment_intent",
                    "amount": amount,
                    "amount_received": amount,
                    "currency": "vnd",
                }
            },
        }
    )


def post_event(client, payload: str, signature: str | None = None):
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload) if signature is None else signature,
    )


def stripe_checkout(variant):
    checkout = ready_checkout([(variant.pk, 2)], gateway="")
    with responses.RequestsMock() as rsps:
        rsps.post(
            STRIPE_PI,
            json={"id": "pi_123", "object": "payment_intent", "client_secret": "pi_123_secret_abc", "amount": 0},
        )
        payment = services.create_payment(checkout=checkout, gateway="STRIPE")
        request = rsps.calls[0].request
    body = parse_qs(request.body)
    return checkout, payment, request, body


def test_payment_intent_is_created_in_vnd_with_an_idempotency_key(variant):
    checkout, payment, request, body = stripe_checkout(variant)
    checkout.refresh_from_db()
    assert body["amount"] == [str(checkout.payment_amount)]  # zero-decimal: đồng
    assert body["currency"] == ["vnd"]
    assert body["metadata[checkout_token]"] == [str(checkout.token)]
    assert request.headers["Idempotency-Key"] == f"checkout-{checkout.token}-{checkout.payment_amount}"
    assert request.headers["Authorization"] == "Bearer sk_test_dummy"
    assert (payment.psp_reference, payment.client_secret) == ("pi_123", "pi_123_secret_abc")
    # asking again for the same amount re-uses the payment without calling Stripe
    with responses.RequestsMock():
        assert services.create_payment(checkout=checkout, gateway="STRIPE").pk == payment.pk


def test_cart_change_after_card_payment_requires_a_new_payment(variant):
    checkout, _payment, _req, _body = stripe_checkout(variant)
    checkout_services.update_lines(checkout=checkout, lines=[(variant.pk, 3)])
    with pytest.raises(DomainError) as exc:
        checkout_services.complete_checkout(checkout=checkout)
    assert [e.code for e in exc.value.as_list()] == ["PAYMENT_REQUIRED"]


def test_webhook_marks_paid_once_and_rejects_forged_or_stale(variant, client):
    checkout, payment, _req, _body = stripe_checkout(variant)
    order = checkout_services.complete_checkout(checkout=checkout)
    assert order.payment_status == "unpaid"
    payload = event("evt_1", "payment_intent.succeeded", "pi_123", order.total)
    assert post_event(client, payload, sign(payload, secret="whsec_forged")).status_code == 400
    assert post_event(client, payload, sign(payload, timestamp=int(time.time()) - 3600)).status_code == 400
    assert post_event(client, payload, "").status_code == 400
    order.refresh_from_db()
    assert order.payment_status == "unpaid"
    response = post_event(client, payload)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert order.events.filter(type="paid").count() == 1
    assert post_event(client, payload).content == b"already processed"  # replay
    late_failure = event("evt_2", "payment_intent.payment_failed", "pi_123", order.total)
    assert post_event(client, late_failure).status_code == 200  # out of order: cannot undo success
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert ProcessedEvent.objects.count() == 2
    assert order.events.filter(type="paid").count() == 1
    assert LedgerEntry.objects.filter(order=order, kind="sale").count() == 1


def test_webhook_before_completion_pays_the_order_when_placed(variant, client):
    checkout, payment, _req, _body = stripe_checkout(variant)
    payload = event("evt_early", "payment_intent.succeeded", "pi_123", payment.amount)
    assert post_event(client, payload).status_code == 200
    order = checkout_services.complete_checkout(checkout=checkout)
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert Payment.objects.get(pk=payment.pk).order_id == order.pk


def test_only_succeeded_marks_paid_and_short_amounts_do_not(variant, client):
    checkout, _payment, _req, _body = stripe_checkout(variant)
    order = checkout_services.complete_checkout(checkout=checkout)
    post_event(client, event("evt_p", "payment_intent.processing", "pi_123", order.total))
    post_event(client, event("evt_s", "payment_intent.succeeded", "pi_123", order.total - 1))
    order.refresh_from_db()
    assert order.payment_status == "unpaid"


def test_staff_refund_goes_through_stripe_and_reverses_the_ledger(variant, client, httpserver, settings):
    checkout, _payment, _req, _body = stripe_checkout(variant)
    order = checkout_services.complete_checkout(checkout=checkout)
    post_event(client, event("evt_ok", "payment_intent.succeeded", "pi_123", order.total))
    order.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.refund_order(order=order, user=UserFactory())
    assert exc.value.code == "PERMISSION_DENIED"
    # this time Stripe is a local HTTP server (STRIPE_API_BASE), the real client talks to it
    settings.STRIPE_API_BASE = httpserver.url_for("/")
    httpserver.expect_request("/v1/refunds", method="POST").respond_with_json(
        {"id": "re_1", "object": "refund", "amount": order.total, "status": "succeeded"}
    )
    refund = services.refund_order(order=order, user=UserFactory(is_staff=True, is_superuser=True))
    request, _response = httpserver.log[0]
    assert parse_qs(request.get_data(as_text=True)) == {"payment_intent": ["pi_123"], "amount": [str(order.total)]}
    assert request.headers["Idempotency-Key"] == f"refund-{order.number}"
    assert refund.psp_reference == "re_1"
    order.refresh_from_db()
    assert order.payment_status == "refunded"
    sale = LedgerEntry.objects.get(order=order, kind="sale")
    reversal = LedgerEntry.objects.get(order=order, kind="refund")
    assert (reversal.gross, reversal.commission, reversal.net) == (-sale.gross, -sale.commission, -sale.net)


def test_bank_transfer_confirmation_is_permission_checked(two_producers):
    a, b = two_producers
    checkout = ready_checkout([(a.pk, 1)], gateway="BANK_TRANSFER")
    order = checkout_services.complete_checkout(checkout=checkout)
    assert order.payment_method == Order.PaymentMethod.BANK_TRANSFER
    outsider = ProducerStaffFactory(producer=b.product.producer).user
    with pytest.raises(DomainError) as exc:
        services.confirm_bank_transfer(order=order, user=outsider)
    assert exc.value.code == "PERMISSION_DENIED"
    producer_staff = ProducerStaffFactory(producer=a.product.producer).user
    order = services.confirm_bank_transfer(order=order, user=producer_staff)
    assert order.payment_status == "paid"
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.confirmed_by) == ("succeeded", producer_staff)
    # again: nothing changes, no second ledger entry
    services.confirm_bank_transfer(order=order, user=producer_staff)
    assert LedgerEntry.objects.filter(order=order).count() == 1


def test_refund_made_in_the_stripe_dashboard_reaches_the_order(variant, client):
    checkout, _payment, _req, _body = stripe_checkout(variant)
    order = checkout_services.complete_checkout(checkout=checkout)
    post_event(client, event("evt_paid", "payment_intent.succeeded", "pi_123", order.total))
    charge = {
        "id": "evt_refund",
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "payment_intent": "pi_123",
                "refunded": True,
                "amount_refunded": order.total,
            }
        },
    }
    assert post_event(client, json.dumps(charge)).status_code == 200
    order.refresh_from_db()
    assert order.payment_status == "refunded"
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert post_event(client, json.dumps(charge)).content == b"already processed"
