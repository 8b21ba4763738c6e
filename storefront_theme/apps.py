from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontThemeConfig(AppConfig):
    name = "storefront_theme"
    label = "storefront_theme"
    verbose_name = _("Giao diện cửa hàng")
