"""The root GraphQL schema, composed in one place from each app's schema.py (floor 9: may import all)."""

from __future__ import annotations

from types import ModuleType

import graphene

from catalog_sync import schema as catalog_sync_schema
from marketplace.accounts import schema as accounts_schema
from marketplace.catalog import schema as catalog_schema
from marketplace.checkout import schema as checkout_schema
from marketplace.core import schema as core_schema
from marketplace.geo import schema as geo_schema
from marketplace.orders import schema as orders_schema
from marketplace.payments import schema as payments_schema
from traceability import schema as traceability_schema

# Each app's schema module exposes `Query` and/or `Mutation`. Add new apps here, lower floors first.
SCHEMA_MODULES: list[ModuleType] = [
    core_schema,
    accounts_schema,
    geo_schema,
    catalog_schema,
    catalog_sync_schema,
    traceability_schema,
    orders_schema,
    checkout_schema,
    payments_schema,
]


def _compose(kind: str) -> type[graphene.ObjectType] | None:
    parts = [getattr(module, kind) for module in SCHEMA_MODULES if hasattr(module, kind)]
    if not parts:
        return None
    return type(kind, tuple(reversed(parts)), {})


Query = _compose("Query")
Mutation = _compose("Mutation")
schema = graphene.Schema(query=Query, mutation=Mutation, auto_camelcase=True)
