"""Celery tasks: thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from traceability import services


@shared_task(name="traceability.flush_scans")
def flush_scans() -> int:
    """Move buffered scans from Redis into ScanLog and update anomaly flags."""
    return services.flush_scan_buffer()
