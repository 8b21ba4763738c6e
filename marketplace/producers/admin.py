"""Program-office admin for producers. Identity comes from the registry (read-only); status is the office's."""

from __future__ import annotations

from django.contrib import admin

from marketplace.producers.models import Producer, ProducerStaff

REGISTRY_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "province",
    "commune",
    "commune_text",
    "legacy_district",
    "street_address",
)


class ProducerStaffInline(admin.TabularInline):
    model = ProducerStaff
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "province", "commune", "status", "updated_at")
    list_filter = ("status", "kind", "province")
    search_fields = ("name", "name_folded", "tax_code", "slug")
    list_select_related = ("province", "commune")
    readonly_fields = (*REGISTRY_FIELDS, "created_at", "updated_at")
    fieldsets = (
        ("Sổ đăng ký OCOP (chỉ đọc)", {"fields": REGISTRY_FIELDS}),
        ("Chủ thể tự quản lý", {"fields": ("slug", "story", "phone", "email", "website")}),
        ("Văn phòng Điều phối", {"fields": ("status", "created_at", "updated_at")}),
    )
    inlines = (ProducerStaffInline,)

    def has_add_permission(self, request) -> bool:  # producers come from the registry sync
        return False

    def save_model(self, request, obj, form, change) -> None:
        from marketplace.catalog.services import sanitize_html

        obj.story = sanitize_html(obj.story)
        super().save_model(request, obj, form, change)


@admin.register(ProducerStaff)
class ProducerStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "producer", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "producer__name")
    autocomplete_fields = ("user", "producer")
    list_select_related = ("user", "producer")
