"""Demo data loaders, one per app, run in floor order by `load_demo`. Each must be idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model

from marketplace.catalog.demo import load_catalog_extras


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


def load_registry_demo(stdout: Callable[[str], None]) -> None:
    """The Thanh Hóa sample registry (in-repo copy), through the real sync: the demo catalog comes from it."""
    from catalog_sync import services as sync_services
    from catalog_sync.fixtures import SAMPLE_CSV

    source = sync_services.source_for_location(str(SAMPLE_CSV), format="csv")
    run = sync_services.run_sync(source=source, trigger="demo")
    stdout(f"registry: {run.summary()}")


# Apps append their loaders here as they land (lower floors first).
LOADERS: list[Callable[[Callable[[str], None]], None]] = [load_admin, load_registry_demo]
LOADERS.append(load_catalog_extras)  # issue 3: variants, stock, stories, images for products the sync made
