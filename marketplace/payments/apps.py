from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Thanh toán")

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from marketplace.payments import receivers  # noqa: F401 - connects the signal receivers

        # Daily at 03:40 Asia/Ho_Chi_Minh (CELERY_TIMEZONE). It lives here, not in checkout, because only payments
        # may look at both carts and payments (a paid card cart without an order is kept).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "payments.delete_abandoned_checkouts",
            {"task": "marketplace.payments.tasks.delete_abandoned_checkouts", "schedule": crontab(hour=3, minute=40)},
        )
