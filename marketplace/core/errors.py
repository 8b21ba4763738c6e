"""The one domain error type services raise. GraphQL mutations turn it into `errors { field message code }`."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused an action. `code` is stable (an API enum value); `message` is for people."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field

    def as_list(self) -> list[DomainError]:
        return [self]


class DomainErrors(DomainError):
    """Several problems found at once (e.g. a form with two bad fields): reported together."""

    def __init__(self, errors: Iterable[DomainError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.code, first.message, field=first.field)

    def as_list(self) -> list[DomainError]:
        return list(self.errors)


class PermissionDeniedError(DomainError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__("PERMISSION_DENIED", message or _("Bạn không có quyền làm việc này."))
