"""Query depth and cost limits, checked during validation: a query over a limit is refused before any SQL runs.

Cost: every selected field costs 1, times the page size of each enclosing list field (`first`/`last`,
from a literal or a variable; the page-size cap when not given), so `products(first: 100) { variants {…} }`
weighs what it may really fetch. Written here rather than taken from graphql-complexity because that library
crashes on variables without defaults and does not see variable values during validation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
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


def cost_limit_validator(max_cost: int, variables: dict[str, Any] | None = None) -> type[ValidationRule]:
    class CostLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            context: ValidationContext = self.context
            fragments = {f.name.value: f for f in context.document.definitions if hasattr(f, "type_condition")}
            cost = selection_cost(node.selection_set, fragments, variables or {})
            if cost > max_cost:
                name = node.name.value if node.name else "anonymous"
                context.report_error(
                    GraphQLError(
                        f"Query '{name}' costs {cost}, above the limit of {max_cost}. Ask for fewer items or fields.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
                    )
                )

    return CostLimitRule


def validation_rules(variables: dict[str, Any] | None = None) -> list[type[ValidationRule]]:
    return [
        depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH),
        cost_limit_validator(settings.GRAPHQL_MAX_COST, variables),
    ]
