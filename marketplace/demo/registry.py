"""Demo data loaders, one per app, run in floor order by `load_demo`. Each must be idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model

from marketplace.catalog.demo import load_catalog_extras
from marketplace.payments.demo import load_orders_demo


def load_admin(stdout: Callable[[str], None]) -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=settings.DEMO_ADMIN_EMAIL,
        defaults={"is_staff": True, "is_superuser": True, "full_name": "Quản trị OCOP"},
    )
    if created:
        user.set_password(settings.DEMO_ADMIN_PASSWORD)
        user.save(update_fields=["password"])
    stdout(f"admin: {user.email} ({'created' if created else 'kept'})")


# Apps append their loaders here as they land (lower floors first).
LOADERS: list[Callable[[Callable[[str], None]], None]] = [load_admin]
LOADERS.append(load_catalog_extras)  # issue 3: variants, stock, stories, images for products the sync made
LOADERS.append(load_orders_demo)  # issue 6: a COD and a bank-transfer order when listed stock exists
