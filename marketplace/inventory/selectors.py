"""Stock reads. One query answers "how many can be sold online" for any number of variants."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.inventory.models import Reservation, Stock, StockLocation


def online_stock() -> QuerySet[Stock]:
    return Stock.objects.filter(location__ships_online_orders=True, location__is_active=True)


def _active_reserved_subquery(exclude_checkout: str | None = None) -> Subquery:
    reservations = Reservation.objects.filter(stock=OuterRef("pk"), expires_at__gt=timezone.now())
    if exclude_checkout:
        reservations = reservations.exclude(checkout_token=exclude_checkout)
    return Subquery(
        reservations.values("stock").annotate(total=Sum("quantity")).values("total")[:1], output_field=IntegerField()
    )


def available_quantities(variant_ids: Iterable[int], *, exclude_checkout: str | None = None) -> dict[int, int]:
    """{variant_id: units sellable online now} = on hand − allocated − held by other active checkouts."""
    ids = list(variant_ids)
    if not ids:
        return {}
    rows = (
        online_stock()
        .filter(variant_id__in=ids)
        .annotate(reserved=Coalesce(_active_reserved_subquery(exclude_checkout), Value(0)))
        .values_list("variant_id", "quantity", "quantity_allocated", "reserved")
    )
    result = dict.fromkeys(ids, 0)
    for variant_id, quantity, allocated, reserved in rows:
        result[variant_id] += max(0, quantity - allocated - reserved)
    return result


def in_stock_condition(prefix: str = "") -> Q:
    """A Q on ProductVariant (or through `prefix`) true when some online location has unallocated units.

    Ignores short checkout holds on purpose: filters stay cheap, and the cart re-checks exact availability.
    """
    from django.db.models import F

    has_stock = online_stock().filter(variant=OuterRef(f"{prefix}pk"), quantity__gt=F("quantity_allocated"))
    return Q(Exists(has_stock))


def sales_points_stocking(variant_ids: Iterable[int]) -> QuerySet[StockLocation]:
    """Active sales points (shops, kiosks, booths) holding any of these variants: "where to buy in person"."""
    return (
        StockLocation.objects.filter(
            is_active=True,
            kind__in=[StockLocation.Kind.SALES_POINT, StockLocation.Kind.FAIR_BOOTH],
            stocks__variant_id__in=list(variant_ids),
            stocks__quantity__gt=0,
        )
        .select_related("province", "commune")
        .distinct()
    )


def pickup_locations(quantities: dict[int, int], *, exclude_checkout: str | None = None) -> list[StockLocation]:
    """Active sales points holding every variant in the wanted quantity right now (click-and-collect).

    One query for the stock, one for the locations that qualify (none when no sales point stocks them).
    """
    wanted = {vid: q for vid, q in quantities.items() if q > 0}
    if not wanted:
        return []
    rows = (
        Stock.objects.filter(
            variant_id__in=list(wanted),
            location__kind=StockLocation.Kind.SALES_POINT,
            location__is_active=True,
        )
        .annotate(reserved=Coalesce(_active_reserved_subquery(exclude_checkout), Value(0)))
        .values_list("location_id", "variant_id", "quantity", "quantity_allocated", "reserved")
    )
    free: dict[int, dict[int, int]] = {}
    for location_id, variant_id, quantity, allocated, reserved in rows:
        per = free.setdefault(location_id, {})
        per[variant_id] = per.get(variant_id, 0) + max(0, quantity - allocated - reserved)
    qualifying = [loc for loc, per in free.items() if all(per.get(v, 0) >= q for v, q in wanted.items())]
    if not qualifying:
        return []
    return list(StockLocation.objects.filter(pk__in=qualifying).select_related("province", "commune").order_by("name"))
