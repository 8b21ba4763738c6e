"""Program-office admin: registry sources (with 'run now'), runs with their quarantined rows, quarantined rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError

from . import services
from .models import ExpiryNotice, QuarantinedRow, RegistrySource, SyncRun


@admin.register(RegistrySource)
class RegistrySourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "location", "province", "mode", "schedule", "enabled", "last_run")
    list_filter = ("kind", "mode", "enabled")
    search_fields = ("name", "location")
    readonly_fields = ("etag", "periodic_task", "created_at", "updated_at")
    actions = ["run_now", "dry_run_now"]

    @admin.display(description=_("lần chạy gần nhất"))
    def last_run(self, obj: RegistrySource) -> str:
        run = obj.runs.order_by("-started_at").first()
        return f"{run.get_status_display()} · {run.summary()}" if run else "—"

    def save_model(self, request: Any, obj: RegistrySource, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        try:
            services.schedule_source(source=obj)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def _run(self, request: Any, queryset: Any, *, dry_run: bool) -> None:
        for source in queryset:
            try:
                run = services.run_sync(source=source, user=request.user, dry_run=dry_run, trigger="admin")
            except DomainError as exc:
                self.message_user(request, f"{source}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{source}: {run.get_status_display()} — {run.summary()}", messages.SUCCESS)

    @admin.action(description=_("Chạy đồng bộ ngay"))
    def run_now(self, request: Any, queryset: Any) -> None:
        self._run(request, queryset, dry_run=False)

    @admin.action(description=_("Chạy thử (không ghi)"))
    def dry_run_now(self, request: Any, queryset: Any) -> None:
        self._run(request, queryset, dry_run=True)


class QuarantinedRowInline(admin.TabularInline):
    model = QuarantinedRow
    extra = 0
    can_delete = False
    fields = ("row_number", "column", "code", "message_vi", "message_en", "raw")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "source",
        "status",
        "dry_run",
        "started_at",
        "duration_ms",
        "created",
        "updated",
        "delisted",
        "unchanged",
        "errors",
        "triggered_by",
    )
    list_filter = ("status", "dry_run", "source")
    list_select_related = ("source", "triggered_by")
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [QuarantinedRowInline]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(admin.ModelAdmin):
    list_display = ("run", "row_number", "column", "code", "message_vi", "message_en")
    list_filter = ("code", "column")
    list_select_related = ("run__source",)
    search_fields = ("message_vi", "message_en")
    readonly_fields = ("run", "row_number", "column", "code", "raw", "message_vi", "message_en", "created_at")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ExpiryNotice)
class ExpiryNoticeAdmin(admin.ModelAdmin):
    list_display = ("certification", "producer", "valid_until", "emailed_at", "recipients")
    list_select_related = ("certification", "producer")
    readonly_fields = ("certification", "producer", "valid_until", "recipients", "emailed_at", "created_at")
