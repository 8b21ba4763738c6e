"""GraphQL: the program office starts a registry sync (registrySyncRun)."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphql_relay import from_global_id

from marketplace.core.errors import DomainError
from marketplace.core.graphql.mutations import BaseMutation
from marketplace.core.graphql.types import error_type
from marketplace.core.permissions import require_program_office

from . import services
from .models import RegistrySource


class RegistrySyncErrorCode(graphene.Enum):
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    SYNC_IN_PROGRESS = "SYNC_IN_PROGRESS"
    DELIST_GUARD = "DELIST_GUARD"
    MISSING_COLUMNS = "MISSING_COLUMNS"
    WRONG_FORMAT = "WRONG_FORMAT"
    UNREADABLE = "UNREADABLE"
    UNREACHABLE = "UNREACHABLE"
    SYNC_FAILED = "SYNC_FAILED"
    SOURCE_DISABLED = "SOURCE_DISABLED"


RegistrySyncError = error_type("RegistrySyncError", RegistrySyncErrorCode)


class RegistrySyncRunType(graphene.ObjectType):
    class Meta:
        name = "SyncRun"

    id = graphene.ID(required=True)
    status = graphene.String(required=True)
    dry_run = graphene.Boolean(required=True)
    created = graphene.Int(required=True)
    updated = graphene.Int(required=True)
    delisted = graphene.Int(required=True)
    unchanged = graphene.Int(required=True)
    errors = graphene.Int(required=True, description="Quarantined rows.")
    duration_ms = graphene.Int(required=True)


def _source_pk(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    try:
        _type, pk = from_global_id(value)
        return int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


class RegistrySyncRun(BaseMutation):
    class Arguments:
        source_id = graphene.ID(required=True)
        dry_run = graphene.Boolean(default_value=False)
        force = graphene.Boolean(default_value=False)

    run = graphene.Field(RegistrySyncRunType)
    errors = graphene.List(graphene.NonNull(RegistrySyncError), required=True)

    @classmethod
    def perform(cls, root, info, source_id: str, dry_run: bool = False, force: bool = False) -> dict:
        user = info.context.user
        require_program_office(user)
        pk = _source_pk(source_id)
        source = RegistrySource.objects.filter(pk=pk).first() if pk else None
        if source is None:
            raise DomainError("NOT_FOUND", _("Không có nguồn sổ đăng ký này."), field="sourceId")
        run = services.run_sync(source=source, user=user, dry_run=dry_run, force=force, trigger="api")
        return {"run": run}


class Mutation(graphene.ObjectType):
    registry_sync_run = RegistrySyncRun.Field(description="Program office: run a registry sync now.")
