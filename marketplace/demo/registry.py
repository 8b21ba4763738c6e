"""Demo data loaders, one per app, run in floor order by `load_demo`. Each must be idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model

from catalog_sync.demo import load_registry_demo
from marketplace.catalog.demo import load_catalog_extras
from marketplace.inventory.demo import load_inventory_demo
from marketplace.payments.demo import load_orders_demo
from traceability.demo import load_traceability_demo


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


# Run in this order: each loader builds on the ones before it (lower floors first).
LOADERS: list[Callable[[Callable[[str], None]], None]] = [
    load_admin,
    load_registry_demo,  # producers, products, certifications from the sample registry, through the sync
    load_catalog_extras,  # variants, prices, stories, images
    load_inventory_demo,  # warehouse stock for every variant without any
    load_traceability_demo,  # GTINs, lots and their journeys
    load_orders_demo,  # a cash-on-delivery and a bank-transfer order, when listed stock exists
]
