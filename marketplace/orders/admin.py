"""Orders in the Django admin: lines, parcels and the event log inline; parcel actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError
from marketplace.orders import services
from marketplace.orders.models import Fulfilment, Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product_name", "variant_name", "sku", "producer", "unit_price", "quantity", "total")
    readonly_fields = fields


class FulfilmentInline(admin.TabularInline):
    model = Fulfilment
    extra = 0
    can_delete = False
    fields = ("producer", "status", "tracking_number", "subtotal", "shipping_price", "weight_grams", "shipped_at")
    readonly_fields = fields


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "type", "message", "user")
    readonly_fields = fields


def _move_parcels(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, status: str) -> None:
    moved = 0
    for fulfilment in Fulfilment.objects.filter(order__in=queryset).exclude(status=status):
        try:
            services.set_fulfilment_status(fulfilment=fulfilment, status=status, user=request.user)
            moved += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{fulfilment.order.number}: {exc.message}", messages.WARNING)
    modeladmin.message_user(request, _("Đã cập nhật %(n)s kiện hàng.") % {"n": moved})


@admin.action(description=_("Đánh dấu các kiện: đã đóng gói"))
def mark_packed(modeladmin, request, queryset):
    _move_parcels(modeladmin, request, queryset, Fulfilment.Status.PACKED)


@admin.action(description=_("Đánh dấu các kiện: đã gửi"))
def mark_shipped(modeladmin, request, queryset):
    _move_parcels(modeladmin, request, queryset, Fulfilment.Status.SHIPPED)


@admin.action(description=_("Đánh dấu các kiện: đã giao"))
def mark_delivered(modeladmin, request, queryset):
    _move_parcels(modeladmin, request, queryset, Fulfilment.Status.DELIVERED)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "created_at", "full_name", "phone", "total", "payment_method", "payment_status", "status")
    list_filter = ("status", "payment_status", "payment_method", "province")
    search_fields = ("number", "email", "phone", "full_name")
    date_hierarchy = "created_at"
    list_select_related = ("province",)
    # Orders change only through services (actions below), so every change leaves an event.
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [FulfilmentInline, OrderLineInline, OrderEventInline]
    actions = [mark_packed, mark_shipped, mark_delivered]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Fulfilment)
class FulfilmentAdmin(admin.ModelAdmin):
    list_display = ("order", "producer", "status", "tracking_number", "shipping_price")
    list_filter = ("status",)
    search_fields = ("order__number", "tracking_number", "producer__name")
    list_select_related = ("order", "producer")
    readonly_fields = [f.name for f in Fulfilment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
