"""The OCOP catalog: taxonomy (QĐ 148/2023), products, certifications, variants, media.

Registry-owned: a product's certified name, product set, producer, and all of Certification.
Producer-owned: description, publication, variants (prices, GTIN), media.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIN_LISTED_STARS = 3


class ProductGroup(models.Model):
    """One of the 6 product groups (nhóm sản phẩm) of QĐ 148/QĐ-TTg."""

    code = models.CharField(_("mã"), max_length=4, unique=True)  # "I".."VI"
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên (EN)"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ProductSet(models.Model):
    """One of the 26 product sets (bộ sản phẩm) of QĐ 148/QĐ-TTg."""

    number = models.PositiveSmallIntegerField(_("số"), unique=True)  # 1..26
    group = models.ForeignKey(ProductGroup, on_delete=models.PROTECT, related_name="product_sets")
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên (EN)"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("bộ sản phẩm")
        verbose_name_plural = _("bộ sản phẩm")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class LegacySector(models.Model):
    """A QĐ 1048/2019 sector or group name as older decisions write it, mapped to today's product set."""

    name = models.CharField(max_length=200)
    name_folded = models.CharField(max_length=200, unique=True)
    product_set = models.ForeignKey(ProductSet, on_delete=models.CASCADE, related_name="legacy_names")

    class Meta:
        verbose_name = _("ngành hàng (QĐ 1048)")
        verbose_name_plural = _("ngành hàng (QĐ 1048)")

    def __str__(self) -> str:
        return f"{self.name} → {self.product_set.number}"


class Product(models.Model):
    # Registry-owned
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="products")
    product_set = models.ForeignKey(ProductSet, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("tên sản phẩm (theo chứng nhận)"), max_length=255)
    registry_key = models.CharField(
        _("khóa sổ đăng ký"),
        max_length=160,
        unique=True,
        help_text=_("The registry code, or a key derived from province, producer and product name."),
    )
    current_certification = models.OneToOneField(
        "Certification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The latest decision; set by the registry sync, never by hand."),
    )
    registry_absent_since = models.DateTimeField(
        _("vắng trong sổ đăng ký từ"),
        null=True,
        blank=True,
        help_text=_("Set when a full registry snapshot no longer contains the product; it is then not listed."),
    )
    # Producer-owned
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(_("mô tả"), blank=True, help_text=_("Sanitised HTML."))
    is_published = models.BooleanField(_("đăng bán"), default=True)
    # Search: folded (case, diacritics, đ→d) name + producer + commune + product set, kept by services.
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        # The storefront's default order: an index scan stops after one page instead of sorting the catalogue.
        indexes = [
            models.Index(fields=["name", "id"], name="catalog_product_name_id"),
            # The listing rule's product-side half as a narrow partial index: counting listed products becomes an
            # index-only scan joined to certifications and producers (the date part stays in the query).
            models.Index(
                fields=["current_certification", "producer"],
                condition=Q(is_published=True, registry_absent_since__isnull=True),
                name="catalog_product_listable",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Certification(models.Model):
    """One recognition decision for a product. A product keeps its history; the latest decision is current."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("Cấp huyện")
        PROVINCE = "province", _("Cấp tỉnh")
        CENTRAL = "central", _("Cấp Trung ương")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Còn hiệu lực")
        REVOKED = "revoked", _("Thu hồi")
        EXPIRED = "expired", _("Hết hiệu lực")
        SUPERSEDED = "superseded", _("Đã thay thế")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    registry_code = models.CharField(_("mã sản phẩm"), max_length=80, blank=True)
    stars = models.PositiveSmallIntegerField(_("hạng sao"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    level = models.CharField(_("cấp công nhận"), max_length=10, choices=Level.choices, default=Level.PROVINCE)
    decision_number = models.CharField(_("số quyết định"), max_length=80)
    decision_date = models.DateField(_("ngày quyết định"))
    valid_until = models.DateField(_("hiệu lực đến"), help_text=_("36 months after the decision unless stated."))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("chứng nhận OCOP")
        verbose_name_plural = _("chứng nhận OCOP")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="catalog_cert_stars_1_5"),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("decision_date")), name="catalog_cert_valid_after_decision"
            ),
            models.UniqueConstraint(fields=["product", "decision_number"], name="catalog_cert_product_decision_unique"),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.stars}★)"


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    gtin = models.CharField(_("GTIN"), max_length=14, null=True, blank=True, unique=True)
    name = models.CharField(_("quy cách"), max_length=120, help_text=_("e.g. chai 500 ml"))
    weight_grams = models.PositiveIntegerField(_("khối lượng (g)"), default=0)
    price = models.BigIntegerField(_("giá (đồng)"))
    compare_at_price = models.BigIntegerField(_("giá gốc (đồng)"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_nonnegative"),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gt=F("price")),
                name="catalog_variant_compare_at_above_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.name}"


def media_upload_to(instance: ProductMedia, filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductMedia(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    image = models.ImageField(upload_to=media_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")

    def __str__(self) -> str:
        return self.alt or self.image.name
