"""Permission helpers used by services (the API is not the only door)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from marketplace.core.errors import PermissionDeniedError

PROGRAM_OFFICE_GROUP = "program_office"


def is_program_office(user: Any) -> bool:
    """Program office staff: superusers, or staff in the program_office group."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and user.groups.filter(name=PROGRAM_OFFICE_GROUP).exists())


def require_program_office(user: Any) -> None:
    if not is_program_office(user):
        raise PermissionDeniedError(_("Chỉ văn phòng điều phối OCOP được làm việc này."))


def require_authenticated(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError(_("Hãy đăng nhập trước."))
