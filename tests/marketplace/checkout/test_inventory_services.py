import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.core.errors import DomainError
from marketplace.inventory import services
from marketplace.inventory.models import Reservation, Stock
from marketplace.inventory.selectors import available_quantities

pytestmark = pytest.mark.django_db


def test_reserve_holds_units_from_other_checkouts(variant):
    services.reserve(checkout_token="a", quantities={variant.pk: 30}, minutes=20)
    assert available_quantities([variant.pk]) == {variant.pk: 20}
    assert available_quantities([variant.pk], exclude_checkout="a") == {variant.pk: 50}
    with pytest.raises(DomainError) as exc:
        services.reserve(checkout_token="b", quantities={variant.pk: 21}, minutes=20)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    assert not Reservation.objects.filter(checkout_token="b").exists()


def test_reserve_replaces_previous_holds_and_expired_holds_do_not_count(variant):
    services.reserve(checkout_token="a", quantities={variant.pk: 30}, minutes=20)
    services.reserve(checkout_token="a", quantities={variant.pk: 5}, minutes=20)
    assert Reservation.objects.get(checkout_token="a").quantity == 5
    Reservation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert available_quantities([variant.pk]) == {variant.pk: 50}
    assert services.delete_expired_reservations() == 1


def test_allocate_consumes_own_hold_and_respects_others(variant):
    services.reserve(checkout_token="other", quantities={variant.pk: 45}, minutes=20)
    services.reserve(checkout_token="mine", quantities={variant.pk: 5}, minutes=20)
    with transaction.atomic():
        plan = services.allocate(quantities={variant.pk: 5}, checkout_token="mine")
    assert [p.quantity for p in plan] == [5]
    stock = Stock.objects.get(variant=variant)
    assert stock.quantity_allocated == 5
    assert not Reservation.objects.filter(checkout_token="mine").exists()
    with pytest.raises(DomainError), transaction.atomic():
        services.allocate(quantities={variant.pk: 1}, checkout_token="third")
    stock.refresh_from_db()
    assert stock.quantity_allocated == 5


def test_consume_and_deallocate(variant):
    with transaction.atomic():
        plan = services.allocate(quantities={variant.pk: 4})
    services.consume(allocations=[(plan[0].stock_id, 3)])
    services.deallocate(allocations=[(plan[0].stock_id, 1)])
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.quantity_allocated) == (47, 0)
