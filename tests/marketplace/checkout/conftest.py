"""Helpers for checkout/orders/payments tests: a ready-to-complete checkout in one call."""

from __future__ import annotations

import pytest

from marketplace.checkout import services
from marketplace.geo.models import Commune, Province
from tests.factories import ListedProductFactory, ProducerFactory


def thanh_hoa_address() -> dict:
    province = Province.objects.get(codename="thanh_hoa")
    commune = Commune.objects.filter(province=province).order_by("code").first()
    return {
        "full_name": "Nguyễn Văn An",
        "phone": "0912345678",
        "province": str(province.code),
        "commune": str(commune.code),
        "street_address": "12 Lê Lợi",
    }


def listed_variant(stock: int = 50, price: int = 120_000, producer=None, weight: int = 650):
    kwargs = {"variant__stock": stock, "variant__price": price, "variant__weight_grams": weight}
    if producer is not None:
        kwargs["producer"] = producer
    return ListedProductFactory(**kwargs).variants.get()


def ready_checkout(lines, *, email: str = "an@example.com", gateway: str = "cod", language: str = "vi", user=None):
    """A checkout with lines, e-mail, address, home delivery and a payment method chosen."""
    checkout = services.create_checkout(email=email, lines=lines, user=user, language=language)
    services.set_shipping_address(checkout=checkout, **thanh_hoa_address())
    services.set_delivery_method(checkout=checkout, delivery_method_id="home")
    if gateway:
        from marketplace.payments import services as payments

        payments.create_payment(checkout=checkout, gateway=gateway)
    checkout.refresh_from_db()
    return checkout


@pytest.fixture
def variant(db):
    return listed_variant()


@pytest.fixture
def two_producers(db):
    a = listed_variant(price=100_000, producer=ProducerFactory())
    b = listed_variant(price=60_000, producer=ProducerFactory())
    return a, b


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Run Celery tasks inline even when REDIS_URL gives the app a broker (mail lands in mail.outbox)."""
    from marketplace.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
