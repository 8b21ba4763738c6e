"""Order reads, shaped for their callers."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from marketplace.core.permissions import is_program_office
from marketplace.orders.models import Fulfilment, Order, OrderLine


def orders_with_details() -> QuerySet[Order]:
    return Order.objects.select_related("province", "commune").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("producer").order_by("pk")),
        "payments",  # reverse of payments.Payment.order (no import of the floor above)
    )


def orders_of_user(user: Any) -> QuerySet[Order]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return orders_with_details().filter(user=user).order_by("-created_at", "-pk")


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "0" + digits[2:] if digits.startswith("84") else digits


def order_for_lookup(
    *, number: str, user: Any = None, email: str | None = None, phone: str | None = None
) -> Order | None:
    """A guest sees an order by number plus its e-mail or phone; its owner and the program office by number."""
    order = orders_with_details().filter(number=(number or "").strip().upper()).first()
    if order is None:
        return None
    if is_program_office(user) or (order.user_id and getattr(user, "pk", None) == order.user_id):
        return order
    if email and email.strip().lower() == order.email.lower():
        return order
    if phone and _digits(phone) == _digits(order.phone):
        return order
    return None


def order_by_checkout_token(token: str) -> Order | None:
    return Order.objects.filter(checkout_token=token).first()
