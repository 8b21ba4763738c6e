"""Where stock is and how much: producer warehouses, sales points, fair booths.

`quantity` is on hand; `quantity_allocated` is promised to placed orders. What can be sold online is the sum,
over locations that ship online orders, of quantity − allocated − active checkout reservations.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StockLocation(models.Model):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Kho của chủ thể")
        SALES_POINT = "sales_point", _("Điểm bán OCOP")
        FAIR_BOOTH = "fair_booth", _("Gian hàng hội chợ")

    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.WAREHOUSE)
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.CASCADE, null=True, blank=True, related_name="stock_locations"
    )
    ships_online_orders = models.BooleanField(_("giao đơn trực tuyến"), default=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, null=True, blank=True)
    commune = models.ForeignKey("geo.Commune", on_delete=models.SET_NULL, null=True, blank=True)
    street_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    gln = models.CharField(_("GLN"), max_length=13, null=True, blank=True, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kho/điểm bán")
        verbose_name_plural = _("kho/điểm bán")

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="stocks")
    location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="stocks")
    quantity = models.IntegerField(_("tồn"), default=0)
    quantity_allocated = models.IntegerField(_("đã phân bổ"), default=0)

    class Meta:
        verbose_name = _("tồn kho")
        verbose_name_plural = _("tồn kho")
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="inventory_stock_variant_location_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="inventory_stock_quantity_nonnegative"),
            models.CheckConstraint(
                condition=Q(quantity_allocated__gte=0) & Q(quantity_allocated__lte=F("quantity")),
                name="inventory_stock_allocated_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.location}: {self.quantity}"


class Reservation(models.Model):
    """Units held for an active checkout until `expires_at`; they do not count as available meanwhile.

    Keyed by the checkout's token (a string) so inventory needs nothing from the checkout app above it.
    """

    checkout_token = models.CharField(max_length=64, db_index=True)
    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giữ hàng")
        verbose_name_plural = _("giữ hàng")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token", "stock"], name="inventory_reservation_checkout_stock_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.stock.variant} for {self.checkout_token}"
