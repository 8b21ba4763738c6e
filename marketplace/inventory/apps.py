from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "marketplace.inventory"
    label = "inventory"
    verbose_name = _("Tồn kho")

    def ready(self) -> None:
        from django.conf import settings

        # Expired checkout holds never count as taken (queries filter on expires_at); this only tidies the table.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "inventory-delete-expired-reservations",
            {"task": "marketplace.inventory.tasks.delete_expired_reservations", "schedule": 15 * 60},
        )
