"""Celery tasks (thin, idempotent wrappers over services)."""

from __future__ import annotations

from celery import shared_task

from marketplace.orders import emails, services
from marketplace.orders.models import OrderEvent


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_order_confirmation(self, order_id: int) -> bool:
    # Idempotent: an order gets one confirmation, whoever retries.
    if OrderEvent.objects.filter(
        order_id=order_id, type=OrderEvent.Type.EMAIL_SENT, data__kind="confirmation"
    ).exists():
        return False
    try:
        order = emails.send_confirmation(order_id)
    except OSError as exc:  # SMTP trouble: try again later
        raise self.retry(exc=exc)
    if order is None:
        return False
    services.record_email_sent(order=order, kind="confirmation")
    return True
