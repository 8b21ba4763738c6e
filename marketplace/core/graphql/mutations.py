"""A mutation base that turns domain errors into `errors { field message code }` instead of exceptions."""

from __future__ import annotations

from typing import Any

import graphene
from django.core.exceptions import ValidationError

from marketplace.core.errors import DomainError


def errors_from(exc: Exception) -> list[dict[str, Any]]:
    if isinstance(exc, DomainError):
        return [{"field": e.field, "message": e.message, "code": e.code} for e in exc.as_list()]
    if isinstance(exc, ValidationError):
        out = []
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    out.append({"field": field, "message": " ".join(error.messages), "code": error.code or "INVALID"})
        else:
            for error in exc.error_list:
                out.append({"field": None, "message": " ".join(error.messages), "code": error.code or "INVALID"})
        return out
    raise exc


class BaseMutation(graphene.Mutation):
    """Subclasses declare `errors = graphene.List(graphene.NonNull(<App>Error), required=True)` and
    implement `perform(cls, root, info, **data) -> dict` returning the payload's other fields."""

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, root: Any, info: graphene.ResolveInfo, **data: Any) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: Any, info: graphene.ResolveInfo, **data: Any) -> Any:
        try:
            payload = cls.perform(root, info, **data)
        except (DomainError, ValidationError) as exc:
            return cls(errors=errors_from(exc))
        return cls(errors=[], **payload)
