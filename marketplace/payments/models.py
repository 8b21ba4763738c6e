"""Payments (gateway side), processed webhook events, and the settlement ledger with producers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Gateway(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        COD = "cod", _("Thanh toán khi nhận hàng")
        BANK_TRANSFER = "bank_transfer", _("Chuyển khoản VietQR")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        SUCCEEDED = "succeeded", _("Đã nhận tiền")
        FAILED = "failed", _("Thất bại")
        REFUNDED = "refunded", _("Đã hoàn")

    checkout_token = models.CharField(max_length=64, db_index=True)
    order = models.ForeignKey("orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="payments")
    gateway = models.CharField(max_length=20, choices=Gateway.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    psp_reference = models.CharField(max_length=255, null=True, blank=True, unique=True)  # Stripe PaymentIntent id
    client_secret = models.CharField(max_length=255, blank=True)
    transfer_note = models.CharField(max_length=40, blank=True)
    qr_payload = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payments_payment_amount")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} ({self.status})"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    psp_reference = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, default="pending")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.payment_id}"


class ProcessedEvent(models.Model):
    """A gateway event handled once: the unique id makes replays and duplicates no-ops."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class CommissionRate(models.Model):
    """The platform's commission for one OCOP product set (basis points; 800 = 8 %)."""

    product_set = models.OneToOneField("catalog.ProductSet", on_delete=models.CASCADE, related_name="commission_rate")
    rate_bp = models.PositiveIntegerField(_("hoa hồng (‱)"))

    class Meta:
        verbose_name = _("tỷ lệ hoa hồng")
        verbose_name_plural = _("tỷ lệ hoa hồng")
        constraints = [models.CheckConstraint(condition=Q(rate_bp__lte=10_000), name="payments_commission_rate_max")]

    def __str__(self) -> str:
        return f"{self.product_set}: {self.rate_bp / 100:.2f} %"


class LedgerEntry(models.Model):
    """What the platform owes a producer for one order line: a sale when paid, its reversal when refunded."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Bán")
        REFUND = "refund", _("Hoàn")

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="ledger_entries")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="ledger_entries")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    gross = models.BigIntegerField()
    commission_rate_bp = models.PositiveIntegerField()
    commission = models.BigIntegerField()
    net = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("bút toán quyết toán")
        verbose_name_plural = _("sổ quyết toán")
        constraints = [
            models.UniqueConstraint(fields=["order_line", "kind"], name="payments_ledger_line_kind_unique"),
            models.CheckConstraint(
                condition=Q(net=models.F("gross") - models.F("commission")), name="payments_ledger_net"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.net} → {self.producer_id}"
