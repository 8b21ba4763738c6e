"""Orders GraphQL: order(number, email, phone) for guests, me { orders } for users, parcel updates for producers."""

from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from graphql_relay import from_global_id, to_global_id

from marketplace.accounts.schema import UserType
from marketplace.core.errors import DomainError
from marketplace.core.graphql.mutations import BaseMutation
from marketplace.core.graphql.pagination import CountableConnection, connection_args, paginate_queryset
from marketplace.core.graphql.types import choices_enum, error_type, money_field
from marketplace.orders import selectors, services
from marketplace.orders.models import Fulfilment, Order


def decode_id(value: Any, type_name: str) -> int | None:
    """Accept a Relay global id of `type_name` or a plain integer id."""
    text = str(value or "").strip()
    if text.isdigit():
        return int(text)
    try:
        kind, raw = from_global_id(text)
    except Exception:  # noqa: BLE001 - any undecodable id is simply not found
        return None
    return int(raw) if kind == type_name and raw.isdigit() else None


class SafeCodesMutation(BaseMutation):
    """BaseMutation whose error codes outside the app's enum are reported as INVALID (never a GraphQL crash)."""

    class Meta:
        abstract = True

    code_enum: type[graphene.Enum]

    @classmethod
    def mutate(cls, root: Any, info: graphene.ResolveInfo, **data: Any) -> Any:
        result = super().mutate(root, info, **data)
        known = set(cls.code_enum._meta.enum.__members__)
        for error in result.errors or []:
            if error["code"] not in known:
                error["code"] = "INVALID"
        return result


class OrderErrorCode(graphene.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    NOT_PAID = "NOT_PAID"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    GATEWAY_ERROR = "GATEWAY_ERROR"
    GATEWAY_NOT_CONFIGURED = "GATEWAY_NOT_CONFIGURED"
    NOT_CANCELABLE = "NOT_CANCELABLE"


OrderError = error_type("OrderError", OrderErrorCode)

OrderStatusEnum = choices_enum("OrderStatus", Order.Status)
PaymentStatusEnum = choices_enum("OrderPaymentStatus", Order.PaymentStatus)
FulfilmentStatusEnum = choices_enum("FulfilmentStatus", Fulfilment.Status)


class OrderLineType(graphene.ObjectType):
    class Meta:
        name = "OrderLine"

    id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = money_field("unit_price", required=True)
    total_price = money_field("total", required=True)

    @staticmethod
    def resolve_id(line, info):
        return to_global_id("OrderLine", line.pk)


class FulfilmentType(graphene.ObjectType):
    class Meta:
        name = "Fulfilment"

    id = graphene.ID(required=True)
    producer_name = graphene.String(required=True)
    status = graphene.Field(FulfilmentStatusEnum, required=True)
    tracking_number = graphene.String(required=True)
    shipping_price = money_field("shipping_price", required=True)
    weight_grams = graphene.Int(required=True)

    @staticmethod
    def resolve_id(f, info):
        return to_global_id("Fulfilment", f.pk)

    @staticmethod
    def resolve_producer_name(f, info):
        return f.producer.name


class OrderType(graphene.ObjectType):
    class Meta:
        name = "Order"

    number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    payment_status = graphene.Field(PaymentStatusEnum, required=True)
    payment_method = graphene.String(required=True)
    email = graphene.String(required=True)
    full_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    province = graphene.String(required=True)
    commune = graphene.String(required=True)
    street_address = graphene.String(required=True)
    delivery_method = graphene.String(required=True)
    subtotal = money_field("subtotal", required=True)
    shipping_price = money_field("shipping_total", required=True)
    total = money_field("total", required=True)
    transfer_note = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)
    fulfilments = graphene.List(graphene.NonNull(FulfilmentType), required=True)
    # Defined by the payments app (the floor above); referenced by path so orders imports nothing from it.
    payment = graphene.Field(
        "marketplace.payments.schema.OrderPaymentType",
        description="How the order is paid; bankTransfer carries the VietQR while a bank-transfer order is unpaid.",
    )

    @staticmethod
    def resolve_payment(o, info):
        return o

    @staticmethod
    def resolve_created(o, info):
        return o.created_at

    @staticmethod
    def resolve_province(o, info):
        return o.province.name

    @staticmethod
    def resolve_commune(o, info):
        return o.commune.name

    @staticmethod
    def resolve_delivery_method(o, info):
        return o.delivery_method_name

    @staticmethod
    def resolve_lines(o, info):
        return o.lines.all()

    @staticmethod
    def resolve_fulfilments(o, info):
        return o.fulfilments.all()


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = OrderType


def _resolve_my_orders(user, info, **kwargs):
    return paginate_queryset(selectors.orders_of_user(user), OrderCountableConnection, **kwargs)


# `me { orders }`: the accounts app's User type gains an `orders` field (added here, above it, so accounts
# needs no knowledge of orders).
UserType._meta.fields["orders"] = graphene.Field(
    OrderCountableConnection, args=connection_args(), resolver=_resolve_my_orders, required=True
)


class OrderFulfilmentUpdate(SafeCodesMutation):
    """A producer (or the program office) moves its parcel: PACKED, SHIPPED (with tracking), DELIVERED."""

    code_enum = OrderErrorCode

    class Arguments:
        id = graphene.ID(required=True)
        status = FulfilmentStatusEnum(required=True)
        tracking_number = graphene.String()

    order = graphene.Field(OrderType)
    fulfilment = graphene.Field(FulfilmentType)
    errors = graphene.List(graphene.NonNull(OrderError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, status: Any, tracking_number: str | None = None) -> dict:
        pk = decode_id(id, "Fulfilment")
        fulfilment = Fulfilment.objects.filter(pk=pk).first() if pk else None
        if fulfilment is None:
            raise DomainError("NOT_FOUND", _("Không tìm thấy kiện hàng."), field="id")
        value = status.value if hasattr(status, "value") else status
        fulfilment = services.set_fulfilment_status(
            fulfilment=fulfilment, status=value, user=info.context.user, tracking_number=tracking_number
        )
        return {"fulfilment": fulfilment, "order": selectors.orders_with_details().get(pk=fulfilment.order_id)}


class Query(graphene.ObjectType):
    order = graphene.Field(
        OrderType,
        number=graphene.String(required=True),
        email=graphene.String(),
        phone=graphene.String(),
        description="An order by number: guests add its e-mail or phone; owners and the program office need not.",
    )

    @staticmethod
    def resolve_order(root, info, number: str, email: str | None = None, phone: str | None = None):
        from django.conf import settings

        if is_ratelimited(
            info.context, group="order-lookup", key="ip", rate=settings.ORDER_LOOKUP_RATE_LIMIT, increment=True
        ):
            return None
        return selectors.order_for_lookup(number=number, user=info.context.user, email=email, phone=phone)


class Mutation(graphene.ObjectType):
    order_fulfilment_update = OrderFulfilmentUpdate.Field()
