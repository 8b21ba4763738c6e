"""Shared GraphQL types: money, and the error shape every mutation returns."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import models

from marketplace.core.money import CURRENCY


class Money(graphene.ObjectType):
    amount = graphene.Int(required=True, description="Integer đồng (VND has no minor unit).")
    currency = graphene.String(required=True)

    @staticmethod
    def of(amount: int | None) -> Money | None:
        return None if amount is None else Money(amount=int(amount), currency=CURRENCY)


def money_field(attribute: str, **kwargs: Any) -> graphene.Field:
    """A `Money` field read from an integer-đồng attribute of the parent object (None stays null)."""
    return graphene.Field(Money, resolver=lambda parent, info: Money.of(getattr(parent, attribute)), **kwargs)


class MoneyRange(graphene.ObjectType):
    start = graphene.Field(Money)
    stop = graphene.Field(Money)


class IntRangeInput(graphene.InputObjectType):
    gte = graphene.Int()
    lte = graphene.Int()


class OrderDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


def choices_enum(name: str, choices: type[models.Choices]) -> type[graphene.Enum]:
    """A GraphQL enum mirroring a model's TextChoices: NAME → stored value, so the two cannot drift apart."""
    return graphene.Enum(name, [(member.name, member.value) for member in choices])


def error_type(name: str, code_enum: type[graphene.Enum]) -> type[graphene.ObjectType]:
    """`<App>Error { field message code: <App>ErrorCode! }`, Saleor's shape, one enum of codes per app."""
    return type(
        name,
        (graphene.ObjectType,),
        {
            "field": graphene.String(description="The input field at fault, or null for the whole request."),
            "message": graphene.String(required=True),
            "code": graphene.Field(code_enum, required=True),
        },
    )
