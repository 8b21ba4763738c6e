"""Tables of the registry sync: where registry data comes from, each run, quarantined rows, expiry notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrySource(models.Model):
    """One place certification data comes from (a file path or an HTTP feed), configured by the program office."""

    class Kind(models.TextChoices):
        CSV = "csv", _("Tệp CSV")
        XLSX = "xlsx", _("Tệp Excel (XLSX)")
        JSON = "json", _("Tệp JSON")
        HTTP = "http", _("Nguồn HTTP (JSON, phân trang)")

    class Mode(models.TextChoices):
        DELTA = "delta", _("Bổ sung (delta)")
        SNAPSHOT = "snapshot", _("Toàn bộ (snapshot)")

    name = models.CharField(_("tên"), max_length=120, unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    location = models.CharField(_("đường dẫn / URL"), max_length=500)
    province = models.ForeignKey(
        "geo.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Rows without a province belong here; a snapshot covers this province."),
    )
    mode = models.CharField(_("chế độ"), max_length=8, choices=Mode.choices, default=Mode.DELTA)
    schedule = models.CharField(
        _("lịch (crontab)"),
        max_length=100,
        blank=True,
        help_text=_("Five crontab fields, Asia/Ho_Chi_Minh, e.g. '30 2 * * *'. Empty: by hand only."),
    )
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enabled = models.BooleanField(_("bật"), default=True)
    etag = models.CharField(_("ETag lần trước"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nguồn sổ đăng ký")
        verbose_name_plural = _("nguồn sổ đăng ký")

    def __str__(self) -> str:
        return self.name


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        APPLIED = "applied", _("Đã áp dụng")
        DRY_RUN = "dry_run", _("Chạy thử")
        NOT_MODIFIED = "not_modified", _("Không đổi (304)")
        REFUSED = "refused", _("Bị từ chối")
        FAILED = "failed", _("Lỗi")

    source = models.ForeignKey(RegistrySource, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(_("chạy thử"), default=False)
    snapshot = models.BooleanField(_("snapshot"), default=False)
    forced = models.BooleanField(_("bỏ qua giới hạn gỡ"), default=False)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("khởi chạy bởi"), max_length=20, default="command")
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    rows_read = models.PositiveIntegerField(_("số dòng đọc"), default=0)
    created = models.PositiveIntegerField(_("tạo mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    delisted = models.PositiveIntegerField(_("gỡ khỏi danh sách bán"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    errors = models.PositiveIntegerField(_("dòng lỗi"), default=0)
    message = models.TextField(_("thông báo"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("lần đồng bộ")
        verbose_name_plural = _("lần đồng bộ")

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.get_status_display()})"

    def summary(self) -> str:
        return (
            f"created={self.created} updated={self.updated} delisted={self.delisted} "
            f"unchanged={self.unchanged} errors={self.errors}"
        )


class QuarantinedRow(models.Model):
    """A registry row that could not be applied: kept with its raw values and a bilingual reason."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="quarantined")
    row_number = models.PositiveIntegerField(_("dòng"))
    column = models.CharField(_("cột"), max_length=60, blank=True)
    code = models.CharField(_("mã lỗi"), max_length=40)
    raw = models.JSONField(_("giá trị gốc"), default=dict)
    message_vi = models.TextField(_("lý do"))
    message_en = models.TextField(_("lý do (EN)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "row_number", "pk"]
        verbose_name = _("dòng bị cách ly")
        verbose_name_plural = _("dòng bị cách ly")

    def __str__(self) -> str:
        return f"#{self.row_number} {self.column}: {self.message_vi}"


class ExpiryNotice(models.Model):
    """A producer was told that a certificate expires soon: one row per certification, sent once."""

    certification = models.OneToOneField(
        "catalog.Certification", on_delete=models.CASCADE, related_name="expiry_notice"
    )
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="expiry_notices")
    valid_until = models.DateField(_("hiệu lực đến"))
    recipients = models.TextField(_("người nhận"), blank=True)
    emailed_at = models.DateTimeField(_("đã gửi e-mail lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_until"]
        verbose_name = _("thông báo sắp hết hạn")
        verbose_name_plural = _("thông báo sắp hết hạn")

    def __str__(self) -> str:
        return f"{self.certification} → {self.valid_until}"
