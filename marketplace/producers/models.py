"""Producers (chủ thể OCOP) and their staff.

Identity fields (name, kind, tax code, address) come from the certification registry; the story, contact and
logo belong to the producer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Producer(models.Model):
    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
        COMPANY = "company", _("Doanh nghiệp")
        HOUSEHOLD = "household", _("Hộ sản xuất/kinh doanh")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm ngừng")

    # Registry-owned
    name = models.CharField(_("tên chủ thể"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices, default=Kind.HOUSEHOLD)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, null=True, blank=True, unique=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="producers")
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="producers"
    )
    commune_text = models.CharField(
        _("xã/phường (theo quyết định)"), max_length=120, blank=True, help_text=_("As written in the decision.")
    )
    legacy_district = models.CharField(_("huyện (cũ)"), max_length=120, blank=True)
    street_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # Producer-owned
    slug = models.SlugField(max_length=120, unique=True)
    story = models.TextField(_("câu chuyện"), blank=True, help_text=_("Sanitised HTML."))
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Program office
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")
        indexes = [models.Index(fields=["province", "name_folded"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ProducerStaff(models.Model):
    """A user who may manage a producer's listings, stock, lots and orders."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Chủ")
        STAFF = "staff", _("Nhân viên")

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["producer", "user"], name="producers_staff_unique")]
        verbose_name = _("nhân sự chủ thể")
        verbose_name_plural = _("nhân sự chủ thể")

    def __str__(self) -> str:
        return f"{self.user} @ {self.producer}"
