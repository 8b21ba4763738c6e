"""Payments tasks (thin and idempotent)."""

from __future__ import annotations

from celery import shared_task

from marketplace.payments import services


@shared_task
def delete_abandoned_checkouts() -> int:
    """Daily (beat): carts untouched for CHECKOUT_ABANDONED_DAYS that never became orders go, with their holds."""
    return services.delete_abandoned_checkouts()
