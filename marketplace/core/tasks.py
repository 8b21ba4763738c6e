"""Infrastructure tasks."""

import os

from celery import shared_task
from django.db import connection


@shared_task(name="core.ping")
def ping() -> dict:
    """Proves a worker can run a task and reach the database; used by /healthz checks and tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pid": os.getpid(), "database": str(connection.settings_dict["NAME"]), "vendor": connection.vendor}
