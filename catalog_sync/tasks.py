"""Celery tasks of the registry sync: thin, idempotent wrappers over services."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.errors import DomainError

from . import services


@shared_task(name="catalog_sync.tasks.run_registry_source")
def run_registry_source(source_id: int) -> dict:
    """A scheduled run of one RegistrySource (its PeriodicTask calls this)."""
    try:
        run = services.run_source(source_id=source_id, trigger="schedule")
    except DomainError as exc:
        return {"status": "not_applied", "code": exc.code, "message": exc.message}
    return {"status": run.status, "summary": run.summary()}


@shared_task(name="catalog_sync.tasks.expire_certifications")
def expire_certifications() -> dict:
    """Daily (beat): record expiries and notify producers 30 days ahead."""
    return services.expire_and_notify()


@shared_task(name="catalog_sync.tasks.send_expiry_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_expiry_notice(notice_id: int) -> bool:
    return services.send_expiry_email(notice_id=notice_id)
