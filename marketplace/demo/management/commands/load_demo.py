"""`python manage.py load_demo`: idempotent demo data for the embedded default."""

from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.demo.registry import LOADERS


class Command(BaseCommand):
    help = "Load (or refresh) the demo data. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options) -> None:
        for loader in LOADERS:
            loader(self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Admin login: {settings.DEMO_ADMIN_EMAIL} / {settings.DEMO_ADMIN_PASSWORD}"
            )
        )
