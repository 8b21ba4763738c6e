"""Query depth and cost limits, checked during validation: a query over a limit is refused before any SQL runs.

Cost: every selected field costs 1, times the page size of each enclosing list field (`first`/`last`,
from a literal or a variable; the page-size cap when not given), so `products(first: 100) { variants {…} }`
weighs what it may really fetch. Written here rather than taken from graphql-complexity because that library
crashes on variables without defaults and does not see variable values during validation.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    parse,
    specified_rules,
    validate,
)

LIST_SIZE_ARGUMENTS = ("first", "last")


def _page_size(node: FieldNode, variables: dict[str, Any]) -> int:
    cap = settings.GRAPHQL_MAX_PAGE_SIZE
    for argument in node.arguments or ():
        if argument.name.value not in LIST_SIZE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, min(int(value.value), cap))
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            if isinstance(raw, int):
                return max(1, min(raw, cap))
            return cap
    return 1


def selection_cost(
    selection_set: Any, fragments: dict[str, Any], variables: dict[str, Any], seen: frozenset = frozenset()
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            multiplier = _page_size(selection, variables)
            total += multiplier * (1 + selection_cost(selection.selection_set, fragments, variables, seen))
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by the standard rules
            total += selection_cost(fragments[name].selection_set, fragments, variables, seen | {name})
    return total


def query_cost(document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any]) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return selection_cost(operation.selection_set, fragments, variables)


def cost_error(document: DocumentNode, variables: dict[str, Any] | None) -> GraphQLError | None:
    """The error for the first operation over the cost limit, or None. Cheap: one walk of the document."""
    max_cost = settings.GRAPHQL_MAX_COST
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        cost = query_cost(document, operation, variables or {})
        if cost > max_cost:
            name = operation.name.value if operation.name else "anonymous"
            return GraphQLError(
                f"Query '{name}' costs {cost}, above the limit of {max_cost}. Ask for fewer items or fields.",
                operation,
                extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
            )
    return None


@lru_cache(maxsize=512)
def _checked(schema: GraphQLSchema, query: str, max_depth: int) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    errors = validate(schema, document, [*specified_rules, depth_limit_validator(max_depth=max_depth)])
    return document, tuple(errors)


def checked_document(
    schema: GraphQLSchema, query: str, variables: dict[str, Any] | None
) -> tuple[DocumentNode | None, list[GraphQLError]]:
    """Parse and validate (the standard rules, depth, cost) before anything runs.

    Parsing and the schema-only rules are cached per query text — storefronts send the same few queries over and
    over — while the cost, which depends on the variables' page sizes, is checked on every request.
    """
    document, errors = _checked(schema, query, settings.GRAPHQL_MAX_DEPTH)
    if document is None or errors:
        return document, list(errors)
    error = cost_error(document, variables)
    return document, [error] if error else []
