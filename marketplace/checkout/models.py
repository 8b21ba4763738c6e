"""Carts on their way to becoming orders. The id shown to clients is `token`, an unguessable uuid4."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Checkout(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkouts"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=8, default="vi")
    # Shipping address (province + commune, since 1 July 2025)
    full_name = models.CharField(_("người nhận"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    street_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # "home" (home delivery) or "pickup:<stock location id>" (room left for pickup at a sales point)
    delivery_method = models.CharField(max_length=40, blank=True)
    # Chosen by payments.services.create_payment ("stripe" | "cod" | "bank_transfer") and the amount it covers.
    payment_method = models.CharField(max_length=20, blank=True)
    payment_amount = models.BigIntegerField(null=True, blank=True)
    # Reserved up front so a bank-transfer QR can carry the order number before the order exists.
    order_number = models.CharField(max_length=20, blank=True)
    order = models.OneToOneField(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="checkout"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("giỏ hàng")
        verbose_name_plural = _("giỏ hàng")

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="checkout_line_variant_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="checkout_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"
