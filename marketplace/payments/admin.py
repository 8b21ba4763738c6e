"""Payments in the admin: the order page gains payments inline and money actions (confirm transfer, refund);
the settlement ledger exports statements as CSV or XLSX."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError
from marketplace.orders.admin import OrderAdmin
from marketplace.orders.models import Order
from marketplace.payments import services, settlement
from marketplace.payments.models import CommissionRate, LedgerEntry, Payment, ProcessedEvent


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("gateway", "status", "amount", "psp_reference", "transfer_note", "confirmed_by", "created_at")
    readonly_fields = fields


def _each(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action) -> None:
    done = 0
    for order in queryset:
        try:
            action(order)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, _("Xong %(n)s đơn.") % {"n": done})


@admin.action(description=_("Xác nhận đã nhận chuyển khoản"))
def confirm_bank_transfer(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda o: services.confirm_bank_transfer(order=o, user=request.user))


@admin.action(description=_("Hoàn tiền toàn bộ (Stripe)"))
def refund(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda o: services.refund_order(order=o, user=request.user))


@admin.action(description=_("Hủy đơn (trả hàng về kho, hoàn tiền thẻ)"))
def cancel(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda o: services.cancel_order(order=o, user=request.user))


class OrderWithPaymentsAdmin(OrderAdmin):
    inlines = [*OrderAdmin.inlines, PaymentInline]
    actions = [*OrderAdmin.actions, confirm_bank_transfer, refund, cancel]


admin.site.unregister(Order)
admin.site.register(Order, OrderWithPaymentsAdmin)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "gateway", "status", "amount", "order", "psp_reference")
    list_filter = ("gateway", "status")
    search_fields = ("psp_reference", "order__number", "transfer_note", "checkout_token")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "created_at")
    search_fields = ("event_id",)


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ("product_set", "rate_bp")


def _export(queryset: QuerySet, fmt: str) -> HttpResponse:
    statement = settlement.build(
        queryset.select_related("producer", "order", "order_line").order_by("producer_id", "created_at", "pk")
    )
    stamp = datetime.date.today().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            settlement.to_xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(settlement.to_csv(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="settlement-{stamp}.{fmt}"'
    return response


@admin.action(description=_("Xuất bảng quyết toán (CSV)"))
def export_csv(modeladmin, request, queryset):
    return _export(queryset, "csv")


@admin.action(description=_("Xuất bảng quyết toán (XLSX)"))
def export_xlsx(modeladmin, request, queryset):
    return _export(queryset, "xlsx")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "producer", "order", "kind", "gross", "commission", "net")
    list_filter = ("kind", "producer")
    date_hierarchy = "created_at"
    search_fields = ("order__number", "producer__name")
    list_select_related = ("producer", "order")
    actions = [export_csv, export_xlsx]
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]
