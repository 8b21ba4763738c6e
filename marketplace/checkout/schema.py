"""Checkout GraphQL, Saleor-shaped: checkoutCreate, checkoutLines*, checkoutEmailUpdate,
checkoutShippingAddressUpdate, checkoutDeliveryMethodUpdate, checkoutComplete, checkout(id)."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from graphql_relay import to_global_id

from marketplace.checkout import selectors, services
from marketplace.checkout.selectors import CheckoutSummary
from marketplace.core.errors import DomainError
from marketplace.core.graphql.types import error_type, money_field
from marketplace.orders.schema import OrderType, SafeCodesMutation, decode_id
from marketplace.orders.selectors import orders_with_details


class CheckoutErrorCode(graphene.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    NOT_LISTED = "NOT_LISTED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    TOO_MANY_LINES = "TOO_MANY_LINES"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_PROVINCE = "INVALID_PROVINCE"
    INVALID_COMMUNE = "INVALID_COMMUNE"
    REQUIRED = "REQUIRED"
    EMAIL_REQUIRED = "EMAIL_REQUIRED"
    SHIPPING_ADDRESS_REQUIRED = "SHIPPING_ADDRESS_REQUIRED"
    INVALID_DELIVERY_METHOD = "INVALID_DELIVERY_METHOD"
    DELIVERY_METHOD_REQUIRED = "DELIVERY_METHOD_REQUIRED"
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"
    EMPTY = "EMPTY"
    CHECKOUT_COMPLETED = "CHECKOUT_COMPLETED"
    GATEWAY_ERROR = "GATEWAY_ERROR"
    GATEWAY_NOT_CONFIGURED = "GATEWAY_NOT_CONFIGURED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    RATE_LIMITED = "RATE_LIMITED"


CheckoutError = error_type("CheckoutError", CheckoutErrorCode)


class CheckoutVariant(graphene.ObjectType):
    id = graphene.ID(required=True)
    sku = graphene.String(required=True)
    name = graphene.String(required=True)
    weight_grams = graphene.Int(required=True)

    @staticmethod
    def resolve_id(variant, info):
        return to_global_id("ProductVariant", variant.pk)


class CheckoutLineType(graphene.ObjectType):
    class Meta:
        name = "CheckoutLine"

    id = graphene.ID(required=True)
    variant = graphene.Field(CheckoutVariant, required=True)
    product_name = graphene.String(required=True)
    producer_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = money_field("unit_price", required=True)
    total_price = money_field("total", required=True)
    is_listed = graphene.Boolean(required=True)
    quantity_available = graphene.Int(required=True)

    @staticmethod
    def resolve_id(ls, info):
        return to_global_id("CheckoutLine", ls.line.pk)

    @staticmethod
    def resolve_variant(ls, info):
        return ls.variant

    @staticmethod
    def resolve_product_name(ls, info):
        return ls.variant.product.name

    @staticmethod
    def resolve_producer_name(ls, info):
        return ls.producer.name

    @staticmethod
    def resolve_quantity(ls, info):
        return ls.line.quantity

    @staticmethod
    def resolve_quantity_available(ls, info):
        return ls.available


class ParcelType(graphene.ObjectType):
    class Meta:
        name = "CheckoutParcel"

    producer_name = graphene.String(required=True)
    subtotal = money_field("subtotal", required=True)
    weight_grams = graphene.Int(required=True)
    shipping_price = money_field("shipping_price", description="Null until a shipping address is set.")

    @staticmethod
    def resolve_producer_name(p, info):
        return p.producer.name


class DeliveryMethodType(graphene.ObjectType):
    class Meta:
        name = "DeliveryMethod"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    price = money_field("price")


class CheckoutProblem(graphene.ObjectType):
    code = graphene.Field(CheckoutErrorCode, required=True)
    message = graphene.String(required=True)
    line_id = graphene.ID()

    @staticmethod
    def resolve_line_id(p, info):
        return to_global_id("CheckoutLine", p.line_id) if p.line_id else None


class AddressType(graphene.ObjectType):
    class Meta:
        name = "CheckoutAddress"

    full_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    province = graphene.String(required=True)
    province_code = graphene.Int(required=True)
    commune = graphene.String(required=True)
    commune_code = graphene.Int(required=True)
    street_address = graphene.String(required=True)


class CheckoutType(graphene.ObjectType):
    class Meta:
        name = "Checkout"

    id = graphene.ID(required=True, description="The checkout token (an unguessable uuid4).")
    email = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLineType), required=True)
    parcels = graphene.List(graphene.NonNull(ParcelType), required=True, description="One per producer.")
    subtotal = money_field("subtotal", required=True)
    shipping_price = money_field("shipping_total")
    total = money_field("total", required=True)
    shipping_address = graphene.Field(AddressType)
    delivery_method = graphene.Field(DeliveryMethodType)
    available_delivery_methods = graphene.List(graphene.NonNull(DeliveryMethodType), required=True)
    payment_gateway = graphene.String()
    # The enum lives with the payments schema (the floor above); referenced by path, nothing imported from it.
    available_payment_gateways = graphene.List(
        graphene.NonNull("marketplace.payments.schema.PaymentGatewayEnum"),
        required=True,
        description="Gateways checkoutPaymentCreate accepts now (STRIPE only when configured; BANK_TRANSFER too).",
    )
    problems = graphene.List(graphene.NonNull(CheckoutProblem), required=True)
    order_number = graphene.String(description="Set once the checkout has been completed.")

    @staticmethod
    def resolve_id(s: CheckoutSummary, info):
        return str(s.checkout.token)

    @staticmethod
    def resolve_email(s, info):
        return s.checkout.email

    @staticmethod
    def resolve_shipping_address(s, info):
        c = s.checkout
        if c.province_id is None:
            return None
        return AddressType(
            full_name=c.full_name,
            phone=c.phone,
            province=c.province.name,
            province_code=c.province.code,
            commune=c.commune.name,
            commune_code=c.commune.code,
            street_address=c.street_address,
        )

    @staticmethod
    def resolve_available_delivery_methods(s, info):
        return s.delivery_methods

    @staticmethod
    def resolve_available_payment_gateways(s, info):
        return selectors.available_payment_gateways()

    @staticmethod
    def resolve_payment_gateway(s, info):
        return s.checkout.payment_method.upper() or None

    @staticmethod
    def resolve_order_number(s, info):
        return s.checkout.order.number if s.checkout.order_id else None


class CheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class CheckoutCreateInput(graphene.InputObjectType):
    email = graphene.String()
    lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)
    language = graphene.String()


class AddressInput(graphene.InputObjectType):
    full_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    province = graphene.String(required=True, description="Code, name or codename, e.g. 38 or 'Thanh Hóa'.")
    commune = graphene.String(required=True, description="Code or name of a commune/ward of that province.")
    street_address = graphene.String(required=True)


def _pairs(lines: list[Any]) -> list[tuple[int, int]]:
    pairs = []
    for line in lines:
        variant_id = decode_id(line.variant_id, "ProductVariant")
        if variant_id is None:
            raise DomainError("NOT_FOUND", _("Không tìm thấy phiên bản."), field=str(line.variant_id))
        pairs.append((variant_id, line.quantity))
    return pairs


def load(token: str, *, for_update: bool = False):
    checkout = selectors.get_checkout(token, for_update=for_update)
    if checkout is None:
        raise DomainError("NOT_FOUND", _("Không tìm thấy giỏ hàng."), field="id")
    return checkout


class CheckoutMutation(SafeCodesMutation):
    class Meta:
        abstract = True

    code_enum = CheckoutErrorCode


def _payload(checkout) -> dict:
    return {"checkout": selectors.summarize(checkout)}


class CheckoutCreate(CheckoutMutation):
    class Arguments:
        input = CheckoutCreateInput(required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, input: Any) -> dict:
        if is_ratelimited(
            info.context, group="checkout-create", key="ip", rate=settings.CHECKOUT_CREATE_RATE_LIMIT, increment=True
        ):
            raise DomainError("RATE_LIMITED", _("Tạo quá nhiều giỏ hàng mới; hãy đợi một phút."))
        language = input.language or (get_language() or "vi")[:2]
        checkout = services.create_checkout(
            email=input.email or "", lines=_pairs(input.lines), user=info.context.user, language=language
        )
        return _payload(checkout)


class CheckoutLinesAdd(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, lines: list) -> dict:
        return _payload(services.add_lines(checkout=load(id), lines=_pairs(lines)))


class CheckoutLinesUpdate(CheckoutLinesAdd):
    @classmethod
    def perform(cls, root, info, id: str, lines: list) -> dict:
        return _payload(services.update_lines(checkout=load(id), lines=_pairs(lines)))


class CheckoutLinesDelete(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        line_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, line_ids: list) -> dict:
        ids = [decode_id(i, "CheckoutLine") for i in line_ids]
        if None in ids:
            raise DomainError("NOT_FOUND", _("Không tìm thấy dòng hàng."), field="lineIds")
        return _payload(services.delete_lines(checkout=load(id), line_ids=ids))


class CheckoutEmailUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        email = graphene.String(required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, email: str) -> dict:
        return _payload(services.set_email(checkout=load(id), email=email))


class CheckoutShippingAddressUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        shipping_address = AddressInput(required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, shipping_address: Any) -> dict:
        a = shipping_address
        checkout = services.set_shipping_address(
            checkout=load(id),
            full_name=a.full_name,
            phone=a.phone,
            province=a.province,
            commune=a.commune,
            street_address=a.street_address,
        )
        return _payload(checkout)


class CheckoutDeliveryMethodUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        delivery_method_id = graphene.ID(required=True)

    checkout = graphene.Field(CheckoutType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, delivery_method_id: str) -> dict:
        return _payload(services.set_delivery_method(checkout=load(id), delivery_method_id=delivery_method_id))


class CheckoutComplete(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)

    order = graphene.Field(OrderType)
    errors = graphene.List(graphene.NonNull(CheckoutError), required=True)

    @classmethod
    def perform(cls, root, info, id: str) -> dict:
        order = services.complete_checkout(checkout=load(id), user=info.context.user)
        return {"order": orders_with_details().get(pk=order.pk)}


class Query(graphene.ObjectType):
    checkout = graphene.Field(CheckoutType, id=graphene.ID(required=True))

    @staticmethod
    def resolve_checkout(root, info, id: str):
        checkout = selectors.get_checkout(id)
        return selectors.summarize(checkout) if checkout else None


class Mutation(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_complete = CheckoutComplete.Field()
