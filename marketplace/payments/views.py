"""The Stripe webhook: verify the signature, handle each event once, answer quickly."""

from __future__ import annotations

import json
import logging

import stripe
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments import services, stripe_gateway

logger = logging.getLogger(__name__)


@csrf_exempt  # authenticated by Stripe's signature instead
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    signature = request.headers.get("Stripe-Signature", "")
    try:
        stripe_gateway.construct_event(request.body, signature)
        event = json.loads(request.body)  # verified above; handled as plain data
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("stripe webhook rejected: %s", exc.__class__.__name__)
        return HttpResponseBadRequest("invalid signature")
    fresh = services.handle_stripe_event(event)
    return HttpResponse("ok" if fresh else "already processed")
