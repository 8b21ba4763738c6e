from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    label = "traceability"
    verbose_name = _("Truy xuất nguồn gốc")

    def ready(self) -> None:
        from django.conf import settings

        from traceability import signals

        signals.connect()
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "traceability-flush-scans", {"task": "traceability.flush_scans", "schedule": 15.0}
        )
