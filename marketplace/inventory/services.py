"""Stock writes: checkout holds (reservations), allocation to orders under row locks, release and shipment.

Locking rule (no deadlocks, no oversell): every writer that changes `quantity_allocated` locks the stock rows it
needs with SELECT … FOR UPDATE **ordered by primary key**, re-reads them, checks, then updates in one statement.
The database check constraints (0 ≤ allocated ≤ quantity) are the last line of defence.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.errors import DomainError, DomainErrors
from marketplace.inventory.models import Reservation, Stock
from marketplace.inventory.selectors import _active_reserved_subquery, online_stock


@dataclass(frozen=True)
class AllocatedUnits:
    variant_id: int
    stock_id: int
    quantity: int


def _insufficient(variant_id: int, wanted: int, available: int) -> DomainError:
    return DomainError(
        "INSUFFICIENT_STOCK",
        _("Chỉ còn %(available)s sản phẩm (cần %(wanted)s).") % {"available": available, "wanted": wanted},
        field=str(variant_id),
    )


def _reserved_by_others(stock_ids: list[int], checkout_token: str | None) -> dict[int, int]:
    if not stock_ids:
        return {}
    qs = Reservation.objects.filter(stock_id__in=stock_ids, expires_at__gt=timezone.now())
    if checkout_token:
        qs = qs.exclude(checkout_token=checkout_token)
    return dict(qs.values("stock_id").annotate(total=Sum("quantity")).values_list("stock_id", "total"))


def _plan(
    stocks: list[Stock], quantities: Mapping[int, int], reserved: Mapping[int, int]
) -> tuple[list[AllocatedUnits], list[DomainError]]:
    """Spread each variant's quantity over its stocks (most free first, then pk); collect shortfalls."""
    by_variant: dict[int, list[tuple[int, Stock]]] = defaultdict(list)
    for stock in stocks:
        free = stock.quantity - stock.quantity_allocated - reserved.get(stock.pk, 0)
        by_variant[stock.variant_id].append((max(0, free), stock))
    plan: list[AllocatedUnits] = []
    errors: list[DomainError] = []
    for variant_id, wanted in quantities.items():
        if wanted <= 0:
            continue
        candidates = sorted(by_variant.get(variant_id, []), key=lambda item: (-item[0], item[1].pk))
        total_free = sum(free for free, _stock in candidates)
        if total_free < wanted:
            errors.append(_insufficient(variant_id, wanted, total_free))
            continue
        left = wanted
        for free, stock in candidates:
            take = min(free, left)
            if take:
                plan.append(AllocatedUnits(variant_id=variant_id, stock_id=stock.pk, quantity=take))
                left -= take
            if not left:
                break
    return plan, errors


def reserve(*, checkout_token: str, quantities: Mapping[int, int], minutes: int) -> list[Reservation]:
    """Replace this checkout's holds with holds for `quantities` ({variant_id: units}) for `minutes` from now.

    Raises INSUFFICIENT_STOCK (one error per short variant, field = variant id) before writing anything.
    Holds are advisory (not locked): allocation re-checks everything under locks.
    """
    wanted = {vid: qty for vid, qty in quantities.items() if qty > 0}
    plan: list[AllocatedUnits] = []
    if wanted:
        # One query: the stocks with what other live checkouts hold on each.
        stocks = list(
            online_stock()
            .filter(variant_id__in=list(wanted))
            .annotate(held=Coalesce(_active_reserved_subquery(checkout_token), Value(0)))
            .order_by("pk")
        )
        plan, errors = _plan(stocks, wanted, {s.pk: s.held for s in stocks})
        if errors:
            raise DomainErrors(errors)
    expires_at = timezone.now() + datetime.timedelta(minutes=minutes)
    with transaction.atomic(savepoint=False):  # joins the caller's transaction when there is one
        Reservation.objects.filter(checkout_token=checkout_token).delete()
        return Reservation.objects.bulk_create(
            [
                Reservation(
                    checkout_token=checkout_token, stock_id=p.stock_id, quantity=p.quantity, expires_at=expires_at
                )
                for p in plan
            ]
        )


def release(*, checkout_token: str) -> int:
    """Drop a checkout's holds (emptied cart, completed or abandoned checkout)."""
    deleted, _ = Reservation.objects.filter(checkout_token=checkout_token).delete()
    return deleted


def release_many(*, checkout_tokens: Iterable[str]) -> int:
    """Drop the holds of several checkouts in one statement (abandoned carts)."""
    tokens = [str(t) for t in checkout_tokens]
    if not tokens:
        return 0
    deleted, _ = Reservation.objects.filter(checkout_token__in=tokens).delete()
    return deleted


def delete_expired_reservations() -> int:
    deleted, _ = Reservation.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def _bump_allocated(deltas: Mapping[int, int]) -> None:
    """One UPDATE for all stocks: quantity_allocated += delta (delta may be negative)."""
    if not deltas:
        return
    Stock.objects.filter(pk__in=list(deltas)).update(
        quantity_allocated=F("quantity_allocated")
        + Case(*[When(pk=pk, then=Value(delta)) for pk, delta in deltas.items()], output_field=IntegerField())
    )


def allocate(
    *, quantities: Mapping[int, int], checkout_token: str | None = None, location_id: int | None = None
) -> list[AllocatedUnits]:
    """Promise units to an order: lock the variants' online stocks (ordered by pk), check, bump allocated.

    With `location_id` (pickup at a sales point) only that location's stock is used.

    Units held by *other* active checkouts are not taken; this checkout's own holds are consumed and released.
    Must run inside the caller's transaction (the order's). Raises INSUFFICIENT_STOCK; then nothing changed.
    Other checkouts' holds are read *after* the locks are granted (a separate statement, so a fresh snapshot
    under READ COMMITTED sees holds released by the order that held the lock before us).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic()")
    wanted = {vid: qty for vid, qty in quantities.items() if qty > 0}
    source = Stock.objects.filter(location_id=location_id) if location_id else online_stock()
    stocks = list(source.select_for_update(of=("self",)).filter(variant_id__in=list(wanted)).order_by("pk"))
    reserved = _reserved_by_others([s.pk for s in stocks], checkout_token)
    plan, errors = _plan(stocks, wanted, reserved)
    if errors:
        raise DomainErrors(errors)
    deltas: dict[int, int] = defaultdict(int)
    for p in plan:
        deltas[p.stock_id] += p.quantity
    _bump_allocated(deltas)
    if checkout_token:
        release(checkout_token=checkout_token)
    return plan


def _locked(stock_ids: Iterable[int]) -> None:
    list(Stock.objects.select_for_update().filter(pk__in=list(stock_ids)).order_by("pk").values_list("pk"))


@transaction.atomic
def deallocate(*, allocations: Iterable[tuple[int, int]]) -> None:
    """Give back allocated units ((stock_id, quantity) pairs) of a cancelled order."""
    deltas: dict[int, int] = defaultdict(int)
    for stock_id, quantity in allocations:
        deltas[stock_id] -= quantity
    _locked(deltas)
    _bump_allocated(deltas)


@transaction.atomic
def consume(*, allocations: Iterable[tuple[int, int]]) -> None:
    """Units left the warehouse (a parcel shipped): on-hand and allocated both go down."""
    deltas: dict[int, int] = defaultdict(int)
    for stock_id, quantity in allocations:
        deltas[stock_id] += quantity
    if not deltas:
        return
    _locked(deltas)
    whens = [When(pk=pk, then=Value(q)) for pk, q in deltas.items()]
    Stock.objects.filter(pk__in=list(deltas)).update(
        quantity=F("quantity") - Case(*whens, output_field=IntegerField()),
        quantity_allocated=F("quantity_allocated") - Case(*whens, output_field=IntegerField()),
    )
