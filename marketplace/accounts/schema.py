"""Accounts GraphQL: me, tokenCreate, accountRegister."""

from __future__ import annotations

import graphene
from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from marketplace.accounts import services
from marketplace.core.errors import DomainError
from marketplace.core.graphql.mutations import BaseMutation
from marketplace.core.graphql.types import error_type


class AccountErrorCode(graphene.Enum):
    INVALID = "INVALID"
    UNIQUE = "UNIQUE"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"  # noqa: S105 - an error code
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"


AccountError = error_type("AccountError", AccountErrorCode)


class UserType(graphene.ObjectType):
    class Meta:
        name = "User"

    id = graphene.ID(required=True)
    email = graphene.String(required=True)
    full_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    language = graphene.String(required=True)
    is_staff = graphene.Boolean(required=True)


def _throttle_logins(info: graphene.ResolveInfo) -> None:
    # Password guessing: LOGIN_RATE_LIMIT (10 a minute) per address.
    if is_ratelimited(info.context, group="login", key="ip", rate=settings.LOGIN_RATE_LIMIT, increment=True):
        raise DomainError("RATE_LIMITED", _("Thử quá nhiều lần; hãy đợi một phút."))


class TokenCreate(BaseMutation):
    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    token = graphene.String()
    user = graphene.Field(UserType)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    @classmethod
    def perform(cls, root, info, email: str, password: str) -> dict:
        _throttle_logins(info)
        user, token = services.create_token(email=email, password=password, request=info.context)
        return {"token": token, "user": user}


class AccountRegister(BaseMutation):
    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)
        full_name = graphene.String()
        phone = graphene.String()
        language = graphene.String()

    user = graphene.Field(UserType)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)

    @classmethod
    def perform(
        cls, root, info, email: str, password: str, full_name: str = "", phone: str = "", language: str = "vi"
    ) -> dict:
        _throttle_logins(info)
        user = services.register_user(
            email=email,
            password=password,
            full_name=full_name,
            phone=phone,
            language=language if language in ("vi", "en") else "vi",
        )
        return {"user": user}


class Query(graphene.ObjectType):
    me = graphene.Field(UserType, description="The signed-in user, or null.")

    @staticmethod
    def resolve_me(root, info: graphene.ResolveInfo):
        user = info.context.user
        return user if user.is_authenticated else None


class Mutation(graphene.ObjectType):
    token_create = TokenCreate.Field()
    account_register = AccountRegister.Field()
