"""Who may act for a producer: its staff, or the program office."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from marketplace.core.errors import PermissionDeniedError
from marketplace.core.permissions import is_program_office
from marketplace.producers.models import Producer, ProducerStaff


def producer_ids_for(user: Any) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(ProducerStaff.objects.filter(user=user).values_list("producer_id", flat=True))


def can_manage_producer(user: Any, producer: Producer | int) -> bool:
    producer_id = producer if isinstance(producer, int) else producer.pk
    if is_program_office(user):
        return True
    return producer_id in producer_ids_for(user)


def require_producer_staff(user: Any, producer: Producer | int) -> None:
    if not can_manage_producer(user, producer):
        raise PermissionDeniedError(_("Chỉ nhân sự của chủ thể này được làm việc này."))
