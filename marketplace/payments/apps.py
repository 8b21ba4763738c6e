from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Thanh toán")

    def ready(self) -> None:
        from marketplace.payments import receivers  # noqa: F401 - connects the signal receivers
