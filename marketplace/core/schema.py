"""Core GraphQL: the `shop` query."""

from __future__ import annotations

import graphene
from django.conf import settings

from marketplace.core.money import CURRENCY


class LanguageDisplay(graphene.ObjectType):
    code = graphene.String(required=True)
    language = graphene.String(required=True)


class Shop(graphene.ObjectType):
    name = graphene.String(required=True)
    currency = graphene.String(required=True, description="Always VND: amounts are integer đồng.")
    languages = graphene.List(graphene.NonNull(LanguageDisplay), required=True)
    default_language = graphene.String(required=True)
    version = graphene.String(required=True)
    max_page_size = graphene.Int(required=True)


class Query(graphene.ObjectType):
    shop = graphene.Field(Shop, required=True)

    @staticmethod
    def resolve_shop(root, info: graphene.ResolveInfo) -> Shop:
        from marketplace import __version__

        return Shop(
            name=settings.SHOP_NAME,
            currency=CURRENCY,
            languages=[LanguageDisplay(code=code, language=str(name)) for code, name in settings.LANGUAGES],
            default_language=settings.LANGUAGE_CODE,
            version=__version__,
            max_page_size=settings.GRAPHQL_MAX_PAGE_SIZE,
        )
