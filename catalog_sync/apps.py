from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogSyncConfig(AppConfig):
    name = "catalog_sync"
    label = "catalog_sync"
    verbose_name = _("Đồng bộ sổ đăng ký OCOP")

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Daily at 01:15 Asia/Ho_Chi_Minh (CELERY_TIMEZONE): expiries + 30-day notices.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "catalog_sync.expire_certifications",
            {"task": "catalog_sync.tasks.expire_certifications", "schedule": crontab(hour=1, minute=15)},
        )
