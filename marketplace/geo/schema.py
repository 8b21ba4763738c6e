"""Geo GraphQL: the 34 provinces and their communes (two-tier units since 1 July 2025)."""

from __future__ import annotations

import graphene
from django.db.models import Prefetch

from marketplace.geo import selectors
from marketplace.geo.models import Commune


class CommuneType(graphene.ObjectType):
    class Meta:
        name = "Commune"

    code = graphene.String(required=True)
    name = graphene.String(required=True)

    @staticmethod
    def resolve_code(root: Commune, info: graphene.ResolveInfo) -> str:
        return f"{root.code:05d}"


class ProvinceType(graphene.ObjectType):
    class Meta:
        name = "Province"

    code = graphene.String(required=True)
    name = graphene.String(required=True, description="Official name, e.g. 'Tỉnh Thanh Hóa'.")
    short_name = graphene.String(required=True, description="e.g. 'Thanh Hóa'.")
    communes = graphene.List(graphene.NonNull(CommuneType), required=True)

    @staticmethod
    def resolve_code(root, info: graphene.ResolveInfo) -> str:
        return f"{root.code:02d}"

    @staticmethod
    def resolve_communes(root, info: graphene.ResolveInfo) -> list[Commune]:
        return list(root.communes.all())


class Query(graphene.ObjectType):
    provinces = graphene.List(graphene.NonNull(ProvinceType), required=True)

    @staticmethod
    def resolve_provinces(root, info: graphene.ResolveInfo) -> list:
        return list(
            selectors.provinces().prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("name")))
        )
