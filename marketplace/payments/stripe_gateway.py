"""The thin edge to Stripe: a configured StripeClient, PaymentIntents (VND is zero-decimal: amount = đồng),
refunds, and webhook signature checks. Tests fake Stripe at its HTTP boundary; this code runs for real."""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.core.errors import DomainError


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise DomainError("GATEWAY_NOT_CONFIGURED", _("Chưa cấu hình thanh toán thẻ (STRIPE_SECRET_KEY)."))
    kwargs: dict[str, Any] = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **kwargs)


def create_payment_intent(*, amount: int, checkout_token: str, email: str, idempotency_key: str) -> Any:
    try:
        return client().v1.payment_intents.create(
            params={
                "amount": int(amount),
                "currency": "vnd",
                "automatic_payment_methods": {"enabled": True},
                "receipt_email": email or None,
                "metadata": {"checkout_token": checkout_token},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise DomainError("GATEWAY_ERROR", f"Stripe: {exc.user_message or exc.__class__.__name__}")


def refund(*, payment_intent: str, amount: int, idempotency_key: str) -> Any:
    try:
        return client().v1.refunds.create(
            params={"payment_intent": payment_intent, "amount": int(amount)},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise DomainError("GATEWAY_ERROR", f"Stripe: {exc.user_message or exc.__class__.__name__}")


def construct_event(payload: bytes, signature: str) -> stripe.Event:
    """Raises ValueError (bad JSON) or stripe.SignatureVerificationError (forged, or older than 5 minutes)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise stripe.SignatureVerificationError("No STRIPE_WEBHOOK_SECRET configured", signature)
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
