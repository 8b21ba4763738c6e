from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "marketplace.inventory"
    label = "inventory"
    verbose_name = _("Tồn kho")

    def ready(self) -> None:
        # The catalog asks stock questions through its availability hooks; inventory answers them.
        from marketplace.catalog import availability
        from marketplace.inventory import selectors

        availability.register(
            available_quantities=selectors.available_quantities, in_stock_condition=selectors.in_stock_condition
        )
        from django.conf import settings

        # Expired checkout holds never count as taken (queries filter on expires_at); this only tidies the table.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "inventory-delete-expired-reservations",
            {"task": "marketplace.inventory.tasks.delete_expired_reservations", "schedule": 15 * 60},
        )
