"""Payments GraphQL: checkoutPaymentCreate (STRIPE | COD | BANK_TRANSFER), bank-transfer confirmation, refunds."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.checkout.schema import CheckoutError, CheckoutMutation, load
from marketplace.core.errors import DomainError
from marketplace.core.graphql.types import money_field
from marketplace.orders.models import Order
from marketplace.orders.schema import OrderError, OrderErrorCode, OrderType, SafeCodesMutation
from marketplace.orders.selectors import orders_with_details
from marketplace.payments import selectors, services


class PaymentGatewayEnum(graphene.Enum):
    STRIPE = "STRIPE"
    COD = "COD"
    BANK_TRANSFER = "BANK_TRANSFER"


class BankTransferType(graphene.ObjectType):
    class Meta:
        name = "BankTransfer"

    qr_payload = graphene.String(required=True, description="The VietQR (NAPAS/EMVCo) string.")
    qr_svg_url = graphene.String(required=True, description="The QR as an SVG data: URL.")
    amount = money_field("amount", required=True)
    note = graphene.String(required=True, description="Transfer note: the order number.")
    bank_bin = graphene.String(required=True)
    account = graphene.String(required=True)
    account_name = graphene.String(required=True)


class PaymentType(graphene.ObjectType):
    class Meta:
        name = "Payment"

    gateway = graphene.Field(PaymentGatewayEnum, required=True)
    status = graphene.String(required=True)
    amount = money_field("amount", required=True)
    client_secret = graphene.String(description="Stripe PaymentIntent client secret (card payments).")
    publishable_key = graphene.String()
    bank_transfer = graphene.Field(BankTransferType)

    @staticmethod
    def resolve_gateway(p, info):
        return p.gateway.upper()

    @staticmethod
    def resolve_client_secret(p, info):
        return p.client_secret or None

    @staticmethod
    def resolve_publishable_key(p, info):
        return settings.STRIPE_PUBLISHABLE_KEY if p.gateway == "stripe" else None

    @staticmethod
    def resolve_bank_transfer(p, info):
        return services.bank_transfer_details(p)


class OrderPaymentStatusEnum(graphene.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


ORDER_TO_PAYMENT_STATUS = {
    Order.PaymentStatus.UNPAID: "pending",
    Order.PaymentStatus.PAID: "succeeded",
    Order.PaymentStatus.REFUNDED: "refunded",
}


class OrderPaymentType(graphene.ObjectType):
    """`order { payment }`: the order's gateway and money state (no card secrets). Its root is the Order."""

    class Meta:
        name = "OrderPayment"

    gateway = graphene.Field(PaymentGatewayEnum, required=True)
    status = graphene.Field(OrderPaymentStatusEnum, required=True)
    amount = money_field("total", required=True)
    bank_transfer = graphene.Field(
        BankTransferType, description="The VietQR to pay with, while a bank-transfer order is unpaid (else null)."
    )

    @staticmethod
    def resolve_gateway(order, info):
        return order.payment_method.upper()

    @staticmethod
    def resolve_status(order, info):
        # The order's word wins (a bank receipt or COD delivery may have no gateway row of its own).
        if order.payment_status != Order.PaymentStatus.UNPAID:
            return ORDER_TO_PAYMENT_STATUS[order.payment_status]
        payment = selectors.order_payment(order)
        return payment.status if payment is not None and payment.status == "failed" else "pending"

    @staticmethod
    def resolve_bank_transfer(order, info):
        return selectors.bank_transfer_for_order(order)


class CheckoutPaymentCreate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        gateway = PaymentGatewayEnum(required=True)

    payment = graphene.Field(PaymentType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, gateway: Any) -> dict:
        value = gateway.value if hasattr(gateway, "value") else gateway
        return {"payment": services.create_payment(checkout=load(id), gateway=value)}


def _order(number: str) -> Order:
    order = Order.objects.filter(number=(number or "").strip().upper()).first()
    if order is None:
        raise DomainError("NOT_FOUND", _("Không tìm thấy đơn hàng."), field="number")
    return order


class OrderConfirmBankTransfer(SafeCodesMutation):
    """The program office or a producer of the order saw the transfer arrive."""

    code_enum = OrderErrorCode

    class Arguments:
        number = graphene.String(required=True)

    order = graphene.Field(OrderType)
    errors = graphene.List(graphene.NonNull(OrderError), required=True)

    @classmethod
    def perform(cls, root, info, number: str) -> dict:
        order = services.confirm_bank_transfer(order=_order(number), user=info.context.user)
        return {"order": orders_with_details().get(pk=order.pk)}


class OrderRefund(SafeCodesMutation):
    """Program office: refund a paid order in full (card payments go back through Stripe)."""

    code_enum = OrderErrorCode

    class Arguments:
        number = graphene.String(required=True)

    order = graphene.Field(OrderType)
    errors = graphene.List(graphene.NonNull(OrderError), required=True)

    @classmethod
    def perform(cls, root, info, number: str) -> dict:
        order = _order(number)
        services.refund_order(order=order, user=info.context.user)
        return {"order": orders_with_details().get(pk=order.pk)}


class OrderCancel(SafeCodesMutation):
    """Cancel an order before it ships: the program office, or its signed-in buyer while every parcel is pending.
    Stock goes back, a card payment is refunded through Stripe, settlement lines are reversed."""

    code_enum = OrderErrorCode

    class Arguments:
        number = graphene.String(required=True)
        reason = graphene.String()

    order = graphene.Field(OrderType)
    errors = graphene.List(graphene.NonNull(OrderError), required=True)

    @classmethod
    def perform(cls, root, info, number: str, reason: str | None = None) -> dict:
        order = services.cancel_order(order=_order(number), user=info.context.user, reason=(reason or "")[:200])
        return {"order": orders_with_details().get(pk=order.pk)}


class Mutation(graphene.ObjectType):
    checkout_payment_create = CheckoutPaymentCreate.Field()
    order_confirm_bank_transfer = OrderConfirmBankTransfer.Field()
    order_refund = OrderRefund.Field()
    order_cancel = OrderCancel.Field()
