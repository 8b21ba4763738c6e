"""Never oversell: many buyers completing at once for the last units (PostgreSQL, real row locks)."""

import threading

import pytest
from django.db import connection

from marketplace.core.errors import DomainError
from marketplace.inventory.models import Reservation, Stock
from marketplace.orders.models import Order

from .conftest import listed_variant, ready_checkout

BUYERS = 50
LAST_UNITS = 5


@pytest.fixture
def seeded_units():
    """Transactional tests start from a flushed database (an earlier one may have emptied it): put back the
    seeded reference data this test needs (provinces/communes, OCOP product sets)."""
    from marketplace.catalog import taxonomy
    from marketplace.catalog.models import LegacySector, ProductGroup, ProductSet
    from marketplace.geo import seed as geo_seed
    from marketplace.geo.models import Commune, Province

    if not Province.objects.exists():
        geo_seed.seed(Province, Commune)
    if not ProductSet.objects.exists():
        taxonomy.seed(ProductGroup, ProductSet, LegacySector)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_completions_for_the_last_five_units(seeded_units):
    variant = listed_variant(stock=100)
    checkouts = [ready_checkout([(variant.pk, 1)], email=f"buyer{i}@example.com") for i in range(BUYERS)]
    # The shop sold out elsewhere meanwhile: 5 units left, and the carts' holds have expired.
    Reservation.objects.all().delete()
    Stock.objects.filter(variant=variant).update(quantity=LAST_UNITS)

    from marketplace.checkout import services

    barrier = threading.Barrier(BUYERS)
    results: list[str] = []
    lock = threading.Lock()

    def buy(checkout):
        try:
            barrier.wait()
            try:
                services.complete_checkout(checkout=checkout)
                outcome = "order"
            except DomainError as exc:
                outcome = exc.code
            except Exception as exc:  # noqa: BLE001 - shown in the assertion below
                outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=buy, args=(c,)) for c in checkouts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert len(results) == BUYERS
    unexpected = [r for r in results if r not in ("order", "INSUFFICIENT_STOCK")]
    assert not unexpected, unexpected
    assert results.count("order") == LAST_UNITS
    assert results.count("INSUFFICIENT_STOCK") == BUYERS - LAST_UNITS
    assert Order.objects.count() == LAST_UNITS
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.quantity_allocated) == (LAST_UNITS, LAST_UNITS)
    assert stock.quantity - stock.quantity_allocated >= 0
