"""Orders: what was bought, from whom, at what price (snapshots), and how each producer's parcel is moving.

An order knows nothing of carts: it is placed through `orders.services.place_order`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    class Status(models.TextChoices):
        UNFULFILLED = "unfulfilled", _("Chờ xử lý")
        PROCESSING = "processing", _("Đang đóng gói")
        PARTIALLY_SHIPPED = "partially_shipped", _("Đã gửi một phần")
        SHIPPED = "shipped", _("Đã gửi hàng")
        DELIVERED = "delivered", _("Đã giao")
        CANCELED = "canceled", _("Đã hủy")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Chưa thanh toán")
        PAID = "paid", _("Đã thanh toán")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    class PaymentMethod(models.TextChoices):
        STRIPE = "stripe", _("Thẻ (Stripe)")
        COD = "cod", _("Thanh toán khi nhận hàng")
        BANK_TRANSFER = "bank_transfer", _("Chuyển khoản (VietQR)")

    number = models.CharField(_("số đơn"), max_length=20, unique=True)
    checkout_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(max_length=8, default="vi")
    full_name = models.CharField(_("người nhận"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=20, db_index=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    street_address = models.CharField(_("địa chỉ"), max_length=255)
    delivery_method = models.CharField(_("giao hàng"), max_length=40)
    delivery_method_name = models.CharField(max_length=120)
    payment_method = models.CharField(_("thanh toán"), max_length=20, choices=PaymentMethod.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.UNFULFILLED)
    payment_status = models.CharField(
        _("thanh toán"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    subtotal = models.BigIntegerField(_("tiền hàng"))
    shipping_total = models.BigIntegerField(_("phí giao"))
    total = models.BigIntegerField(_("tổng"))
    paid_amount = models.BigIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")
        constraints = [
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("shipping_total")), name="orders_order_total"),
            models.CheckConstraint(condition=Q(subtotal__gte=0) & Q(shipping_total__gte=0), name="orders_order_money"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def transfer_note(self) -> str:
        """The bank-transfer note: the order number without separators (banks strip punctuation)."""
        return self.number.replace("-", "")


class Fulfilment(models.Model):
    """One producer's parcel of an order."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ đóng gói")
        PACKED = "packed", _("Đã đóng gói")
        SHIPPED = "shipped", _("Đã gửi")
        DELIVERED = "delivered", _("Đã giao")
        CANCELED = "canceled", _("Đã hủy")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfilments")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="fulfilments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    tracking_number = models.CharField(_("mã vận đơn"), max_length=64, blank=True)
    subtotal = models.BigIntegerField()
    shipping_price = models.BigIntegerField()
    weight_grams = models.PositiveIntegerField(default=0)
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("kiện hàng")
        verbose_name_plural = _("kiện hàng")
        constraints = [
            models.UniqueConstraint(fields=["order", "producer"], name="orders_fulfilment_order_producer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order.number} / {self.producer_id}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="lines")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.SET_NULL, null=True, related_name="+")
    product_set = models.ForeignKey("catalog.ProductSet", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=120)
    sku = models.CharField(max_length=64)
    unit_price = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    total = models.BigIntegerField()
    weight_grams = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=Q(total=F("unit_price") * F("quantity")), name="orders_line_total"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class Allocation(models.Model):
    """Units of a stock promised to an order line (released on cancel, consumed when shipped)."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    stock = models.ForeignKey("inventory.Stock", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    consumed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.quantity} of stock {self.stock_id}"


class OrderEvent(models.Model):
    class Type(models.TextChoices):
        PLACED = "placed", _("Đặt hàng")
        FULFILMENT_STATUS = "fulfilment_status", _("Trạng thái kiện")
        STATUS = "status", _("Trạng thái đơn")
        PAID = "paid", _("Đã thanh toán")
        REFUNDED = "refunded", _("Hoàn tiền")
        CANCELED = "canceled", _("Hủy")
        EMAIL_SENT = "email_sent", _("Đã gửi e-mail")
        NOTE = "note", _("Ghi chú")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=Type.choices)
    message = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.type}"
