"""Program-office and producer views in the Django admin; flagged serials are filterable."""

from __future__ import annotations

from django.contrib import admin

from traceability.models import EventLot, Lot, LotPhoto, ScanLog, SerialUnit, TraceEvent, TraceLocation


class LotPhotoInline(admin.TabularInline):
    model = LotPhoto
    extra = 0


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["code", "variant", "production_date", "expiry_date", "quantity"]
    search_fields = ["code", "variant__gtin", "variant__product__name"]
    list_select_related = ["variant__product"]
    raw_id_fields = ["variant", "origin_commune", "created_by"]
    inlines = [LotPhotoInline]


@admin.register(SerialUnit)
class SerialUnitAdmin(admin.ModelAdmin):
    list_display = ["serial", "lot", "scan_count", "flag", "flagged_at"]
    list_filter = ["flag"]
    search_fields = ["serial", "lot__code"]
    list_select_related = ["lot__variant__product"]
    raw_id_fields = ["lot", "variant"]


class EventLotInline(admin.TabularInline):
    model = EventLot
    extra = 0
    raw_id_fields = ["lot"]


@admin.register(TraceEvent)
class TraceEventAdmin(admin.ModelAdmin):
    list_display = ["event_time", "event_type", "biz_step", "disposition", "producer"]
    list_filter = ["event_type", "biz_step"]
    list_select_related = ["producer"]
    raw_id_fields = ["producer", "read_point", "biz_location", "recorded_by"]
    inlines = [EventLotInline]


@admin.register(TraceLocation)
class TraceLocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gln", "producer"]
    list_filter = ["kind"]
    raw_id_fields = ["producer", "stock_location", "commune"]


@admin.register(ScanLog)
class ScanLogAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "lot", "serial", "sales_point", "tag_valid", "printed_expiry", "language"]
    list_filter = ["tag_valid", ("printed_expiry", admin.EmptyFieldListFilter), "language"]
    list_select_related = ["lot", "serial", "sales_point"]
    raw_id_fields = ["lot", "serial", "sales_point"]
