"""Inventory tasks (thin and idempotent)."""

from celery import shared_task

from marketplace.inventory import services


@shared_task
def delete_expired_reservations() -> int:
    return services.delete_expired_reservations()
