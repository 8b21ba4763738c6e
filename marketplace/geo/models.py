"""Administrative units since 1 July 2025: 34 provinces and their communes/wards/special zones.

Seeded from the `vietnam-provinces` package (data as of 2025-10). Pre-2025 districts are not units any
more; records that name one keep it as free text (`legacy_district`) where they are stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.PositiveSmallIntegerField(_("mã"), unique=True)
    name = models.CharField(_("tên"), max_length=100)  # "Tỉnh Thanh Hóa"
    short_name = models.CharField(_("tên ngắn"), max_length=80)  # "Thanh Hóa"
    codename = models.SlugField(max_length=80, unique=True)  # "thanh_hoa"
    division_type = models.CharField(max_length=40)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.short_name


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "xã", _("xã")
        WARD = "phường", _("phường")
        SPECIAL_ZONE = "đặc khu", _("đặc khu")

    code = models.PositiveIntegerField(_("mã"), unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("tên"), max_length=100)  # "Xã Hoằng Hóa"
    short_name = models.CharField(_("tên ngắn"), max_length=80)
    division_type = models.CharField(max_length=20, choices=Kind.choices)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")

    def __str__(self) -> str:
        return self.name
