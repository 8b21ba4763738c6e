from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogSyncConfig(AppConfig):
    name = "catalog_sync"
    label = "catalog_sync"
    verbose_name = _("Đồng bộ sổ đăng ký OCOP")
