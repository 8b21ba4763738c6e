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
