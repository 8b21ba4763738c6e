"""The order confirmation e-mail, in the buyer's language (Vietnamese or English)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.core.money import format_vnd
from marketplace.orders.models import Order, OrderLine

PAYMENT_LABELS_EN = {
    Order.PaymentMethod.STRIPE: "Card (Stripe)",
    Order.PaymentMethod.COD: "Cash on delivery",
    Order.PaymentMethod.BANK_TRANSFER: "Bank transfer (VietQR)",
}


def send_confirmation(order_id: int) -> Order | None:
    order = (
        Order.objects.select_related("province", "commune")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("producer_id", "pk"))  # grouped by parcel
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return None
    language = order.language if order.language in ("vi", "en") else "vi"
    with translation.override(language):
        context = {
            "order": order,
            "shop_name": settings.SHOP_NAME,
            "lines": [(line, format_vnd(line.total, language)) for line in order.lines.all()],
            "subtotal": format_vnd(order.subtotal, language),
            "shipping": format_vnd(order.shipping_total, language),
            "total": format_vnd(order.total, language),
            "payment_label": (
                PAYMENT_LABELS_EN.get(order.payment_method, order.payment_method)
                if language == "en"
                else order.get_payment_method_display()
            ),
            "is_bank_transfer": order.payment_method == Order.PaymentMethod.BANK_TRANSFER,
            "bank_account": settings.BANK_TRANSFER_ACCOUNT,
            "bank_account_name": settings.BANK_TRANSFER_ACCOUNT_NAME,
            "lookup_url": f"{settings.PUBLIC_BASE_URL}/",
        }
        template = f"orders/email/confirmation_{language}.txt"
        subject = (
            f"[{settings.SHOP_NAME}] Xác nhận đơn hàng {order.number}"
            if language == "vi"
            else f"[{settings.SHOP_NAME}] Order {order.number} confirmed"
        )
        body = render_to_string(template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email])
    return order
