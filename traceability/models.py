"""Lots (batches), serialised units, trace locations, EPCIS 2.0 events, and the scan log.

Lots, units and events belong to the producer of the variant's product. Times are stored UTC; each event keeps
the time-zone offset it happened in (EPCIS `eventTimeZoneOffset`, "+07:00" in Vietnam).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Standard(models.TextChoices):
    VIETGAP = "VietGAP", "VietGAP"
    GLOBALGAP = "GlobalGAP", "GlobalG.A.P."
    ORGANIC = "organic", _("Hữu cơ")
    TCCS = "TCCS", _("TCCS (tiêu chuẩn cơ sở)")
    TCVN = "TCVN", "TCVN"
    HACCP = "HACCP", "HACCP"
    ISO22000 = "ISO22000", "ISO 22000"


def validate_gln(value: str) -> None:
    from traceability.digital_link import is_valid_gln

    if value and not is_valid_gln(value):
        raise ValidationError(_("GLN phải có 13 chữ số với số kiểm tra đúng."), code="invalid")


class TraceLocation(models.Model):
    """A place where events happen: a farm, a workshop, a warehouse, a sales point (linked to inventory)."""

    class Kind(models.TextChoices):
        FARM = "farm", _("Vùng trồng/trang trại")
        WORKSHOP = "workshop", _("Cơ sở chế biến")
        WAREHOUSE = "warehouse", _("Kho")
        SALES_POINT = "sales_point", _("Điểm bán")
        TRANSPORT = "transport", _("Vận chuyển")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.CASCADE, null=True, blank=True, related_name="trace_locations"
    )
    stock_location = models.OneToOneField(
        "inventory.StockLocation", on_delete=models.SET_NULL, null=True, blank=True, related_name="trace_location"
    )
    commune = models.ForeignKey("geo.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    gln = models.CharField(_("GLN"), max_length=13, null=True, blank=True, unique=True, validators=[validate_gln])
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("địa điểm truy xuất")
        verbose_name_plural = _("địa điểm truy xuất")

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        if self.gln:
            return f"https://id.gs1.org/414/{self.gln}"
        return f"{settings.PUBLIC_BASE_URL}/truy-xuat/dia-diem/{self.pk}"


def lot_photo_upload_to(instance: LotPhoto, filename: str) -> str:
    return f"lots/{instance.lot_id}/{filename}"


class Lot(models.Model):
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(_("số lô"), max_length=20, help_text=_("GS1 AI (10): up to 20 characters of CSET 82."))
    production_date = models.DateField(_("ngày sản xuất"))
    expiry_date = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"), default=0)
    origin_commune = models.ForeignKey(
        "geo.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("xã/phường")
    )
    origin_site = models.CharField(_("vùng nguyên liệu/cơ sở"), max_length=255, blank=True)
    raw_materials = models.TextField(_("nguyên liệu"), blank=True)
    standards = models.JSONField(_("tiêu chuẩn áp dụng"), default=list, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-production_date", "-pk"]
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        constraints = [
            models.UniqueConstraint(fields=["variant", "code"], name="traceability_lot_variant_code_unique"),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gt=F("production_date")),
                name="traceability_lot_expiry_after_production",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.variant})"


class LotPhoto(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=lot_photo_upload_to)
    caption = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SerialUnit(models.Model):
    """One serialised item of a lot (GS1 AI 21). Serials are unique per GTIN, hence per variant."""

    class Flag(models.TextChoices):
        NONE = "", _("Không")
        MANY_SCANS = "many_scans", _("Quét quá nhiều lần")
        IMPOSSIBLE_TRAVEL = "impossible_travel", _("Quét ở hai nơi quá xa trong thời gian ngắn")
        EXPIRY_MISMATCH = "expiry_mismatch", _("Hạn dùng in trên mã khác hạn đã đăng ký")

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="serials")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(_("số sê-ri"), max_length=20)
    scan_count = models.PositiveIntegerField(default=0)
    flag = models.CharField(_("cảnh báo"), max_length=20, choices=Flag.choices, default="", blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["serial"]
        verbose_name = _("sản phẩm mã hóa sê-ri")
        verbose_name_plural = _("sản phẩm mã hóa sê-ri")
        constraints = [models.UniqueConstraint(fields=["variant", "serial"], name="traceability_serial_unique")]
        indexes = [models.Index(fields=["flag"])]

    def __str__(self) -> str:
        return f"{self.lot.code}/{self.serial}"


class TraceEvent(models.Model):
    """One EPCIS 2.0 event about one or more lots."""

    class Type(models.TextChoices):
        OBJECT = "ObjectEvent", "ObjectEvent"
        AGGREGATION = "AggregationEvent", "AggregationEvent"
        TRANSFORMATION = "TransformationEvent", "TransformationEvent"

    class Action(models.TextChoices):
        NONE = "", "—"
        ADD = "ADD", "ADD"
        OBSERVE = "OBSERVE", "OBSERVE"
        DELETE = "DELETE", "DELETE"

    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="trace_events")
    event_type = models.CharField(max_length=20, choices=Type.choices)
    event_id = models.CharField(max_length=255, unique=True)
    event_time = models.DateTimeField(_("thời điểm"), db_index=True)
    event_timezone_offset = models.CharField(max_length=6, default="+07:00")
    action = models.CharField(max_length=8, choices=Action.choices, blank=True, default="")
    biz_step = models.CharField(_("bước nghiệp vụ"), max_length=255, blank=True)
    disposition = models.CharField(_("trạng thái"), max_length=255, blank=True)
    read_point = models.ForeignKey(TraceLocation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    biz_location = models.ForeignKey(TraceLocation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    read_point_uri = models.CharField(max_length=255, blank=True)
    biz_location_uri = models.CharField(max_length=255, blank=True)
    parent_id = models.CharField(max_length=255, blank=True)
    note = models.CharField(_("mô tả"), max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text=_("Other EPCIS fields kept as captured."))
    lots = models.ManyToManyField(Lot, through="EventLot", related_name="events")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    record_time = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_time", "pk"]
        verbose_name = _("sự kiện truy xuất")
        verbose_name_plural = _("sự kiện truy xuất")
        constraints = [
            models.CheckConstraint(
                condition=Q(event_type="TransformationEvent", action="") | ~Q(event_type="TransformationEvent"),
                name="traceability_transformation_has_no_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.biz_step} @ {self.event_time:%Y-%m-%d %H:%M}"


class EventLot(models.Model):
    class Role(models.TextChoices):
        OBJECT = "object", _("đối tượng")
        CHILD = "child", _("thành phần")
        INPUT = "input", _("đầu vào")
        OUTPUT = "output", _("đầu ra")

    event = models.ForeignKey(TraceEvent, on_delete=models.CASCADE, related_name="lot_links")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="event_links")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.OBJECT)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    uom = models.CharField(max_length=3, blank=True, help_text=_("UN/CEFACT code, e.g. KGM, LTR; blank = units."))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "lot", "role"], name="traceability_eventlot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.lot_id}"


class ScanLog(models.Model):
    """One resolution of a lot or serial URI. No raw IP: `client_hash` is an HMAC of coarse client info."""

    scanned_at = models.DateTimeField(db_index=True)
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="scans")
    serial = models.ForeignKey(SerialUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="scans")
    sales_point = models.ForeignKey(
        "inventory.StockLocation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_hash = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=8, blank=True)
    tag_valid = models.BooleanField(null=True)
    # The expiry printed in the code (?17=) when it differs from the lot's registered one (possible tampering).
    printed_expiry = models.DateField(_("hạn dùng in trên mã (sai lệch)"), null=True, blank=True)

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("lượt quét")
        verbose_name_plural = _("lượt quét")
        indexes = [models.Index(fields=["serial", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.lot_id}"
