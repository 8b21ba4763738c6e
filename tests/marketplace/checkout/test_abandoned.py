"""Abandoned carts: the daily task deletes carts untouched for CHECKOUT_ABANDONED_DAYS and frees their holds."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace.checkout import services
from marketplace.checkout.models import Checkout
from marketplace.core.errors import DomainError
from marketplace.inventory.models import Reservation
from marketplace.inventory.selectors import available_quantities
from marketplace.payments.models import Payment
from marketplace.payments.tasks import delete_abandoned_checkouts

from .conftest import listed_variant, ready_checkout

pytestmark = pytest.mark.django_db


def _age(checkout: Checkout, days: float) -> None:
    Checkout.objects.filter(pk=checkout.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_old_carts_go_with_their_holds_and_fresh_or_ordered_ones_stay(settings):
    settings.CHECKOUT_ABANDONED_DAYS = 30
    variant = listed_variant(stock=10)
    # Holds that have not expired yet (a long hold makes the release observable).
    settings.CHECKOUT_RESERVATION_MINUTES = 60 * 24 * 60
    old = services.create_checkout(email="old@example.com", lines=[(variant.pk, 3)])
    fresh = services.create_checkout(email="fresh@example.com", lines=[(variant.pk, 2)])
    ordered = ready_checkout([(variant.pk, 1)])
    services.complete_checkout(checkout=ordered)
    _age(old, 31)
    _age(fresh, 29)
    _age(ordered, 400)
    assert available_quantities([variant.pk])[variant.pk] == 10 - 1 - 3 - 2

    assert delete_abandoned_checkouts.apply().get() == 1

    assert set(Checkout.objects.values_list("pk", flat=True)) == {fresh.pk, ordered.pk}
    assert not Reservation.objects.filter(checkout_token=str(old.token)).exists()
    assert Reservation.objects.filter(checkout_token=str(fresh.token)).exists()
    assert available_quantities([variant.pk])[variant.pk] == 10 - 1 - 2
    # Idempotent: nothing left to do.
    assert delete_abandoned_checkouts.apply().get() == 0


def test_the_number_of_days_is_a_setting(settings):
    variant = listed_variant()
    cart = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    _age(cart, 8)
    settings.CHECKOUT_ABANDONED_DAYS = 10
    assert services.delete_abandoned_checkouts() == 0
    settings.CHECKOUT_ABANDONED_DAYS = 7
    assert services.delete_abandoned_checkouts() == 1
    with pytest.raises(DomainError) as exc:
        services.delete_abandoned_checkouts(days=0)
    assert exc.value.code == "INVALID"


def test_a_cart_whose_card_payment_succeeded_is_kept():
    variant = listed_variant()
    paid = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    Payment.objects.create(
        checkout_token=str(paid.token),
        gateway="stripe",
        amount=1,
        status=Payment.Status.SUCCEEDED,
        psp_reference="pi_1",
    )
    unpaid = services.create_checkout(email="b@example.com", lines=[(variant.pk, 1)])
    Payment.objects.create(checkout_token=str(unpaid.token), gateway="stripe", amount=1, psp_reference="pi_2")
    _age(paid, 100)
    _age(unpaid, 100)
    assert delete_abandoned_checkouts.apply().get() == 1
    assert list(Checkout.objects.values_list("pk", flat=True)) == [paid.pk]


def test_registered_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["payments.delete_abandoned_checkouts"]
    assert entry["task"] == "marketplace.payments.tasks.delete_abandoned_checkouts"
    assert delete_abandoned_checkouts.name == entry["task"]
