"""Program-office admin for the catalog. Registry-owned fields are read-only; the sync writes them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from marketplace.catalog import services
from marketplace.catalog.models import (
    Certification,
    LegacySector,
    Product,
    ProductGroup,
    ProductMedia,
    ProductSet,
    ProductVariant,
)

CERTIFICATION_FIELDS = (
    "registry_code",
    "stars",
    "level",
    "decision_number",
    "decision_date",
    "valid_until",
    "status",
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CertificationInline(ReadOnlyInline):
    model = Certification
    fields = CERTIFICATION_FIELDS
    readonly_fields = CERTIFICATION_FIELDS
    ordering = ("-decision_date", "-pk")


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ("sku", "gtin", "name", "weight_grams", "price", "compare_at_price", "is_active", "position")


class MediaInline(admin.TabularInline):
    model = ProductMedia
    extra = 0
    fields = ("preview", "image", "alt", "position")
    readonly_fields = ("preview",)

    @admin.display(description="")
    def preview(self, obj: ProductMedia) -> str:
        if not obj.pk:
            return ""
        return format_html('<img src="{}" style="max-height:80px">', obj.image.url)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "producer", "product_set", "stars", "is_published", "registry_absent_since")
    list_filter = ("is_published", "product_set__group", "product_set", "current_certification__stars")
    search_fields = ("name", "search_document", "registry_key", "slug")
    list_select_related = ("producer", "product_set", "current_certification")
    readonly_fields = (
        "name",
        "producer",
        "product_set",
        "registry_key",
        "current_certification",
        "registry_absent_since",
        "search_document",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "Sổ đăng ký OCOP (chỉ đọc)",
            {
                "fields": (
                    "name",
                    "producer",
                    "product_set",
                    "registry_key",
                    "current_certification",
                    "registry_absent_since",
                )
            },
        ),
        ("Chủ thể tự quản lý", {"fields": ("slug", "description", "is_published")}),
        ("Hệ thống", {"fields": ("search_document", "created_at", "updated_at")}),
    )
    inlines = (VariantInline, MediaInline, CertificationInline)

    @admin.display(description="★", ordering="current_certification__stars")
    def stars(self, obj: Product) -> int | None:
        return obj.current_certification.stars if obj.current_certification_id else None

    def has_add_permission(self, request) -> bool:  # products come from the registry sync
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.description = services.sanitize_html(obj.description)
        super().save_model(request, obj, form, change)
        services.refresh_search_document(obj)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("decision_number", "product", "stars", "level", "decision_date", "valid_until", "status")
    list_filter = ("status", "stars", "level")
    search_fields = ("decision_number", "registry_code", "product__name")
    list_select_related = ("product",)
    readonly_fields = ("product", *CERTIFICATION_FIELDS, "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProductSetInline(admin.TabularInline):
    model = ProductSet
    extra = 0
    fields = ("number", "name", "name_en", "slug")
    readonly_fields = ("number",)


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "position")
    inlines = (ProductSetInline,)


@admin.register(ProductSet)
class ProductSetAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "name_en", "group")
    list_filter = ("group",)
    search_fields = ("name", "name_en", "name_folded")
    readonly_fields = ("number", "name_folded")

    def save_model(self, request, obj, form, change) -> None:
        from marketplace.core.text import fold

        obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)
        services.refresh_search_documents(product_set_id=obj.pk)  # the set's name is part of the search text


@admin.register(LegacySector)
class LegacySectorAdmin(admin.ModelAdmin):
    list_display = ("name", "product_set")
    list_filter = ("product_set__group",)
    search_fields = ("name", "name_folded")
    list_select_related = ("product_set",)
