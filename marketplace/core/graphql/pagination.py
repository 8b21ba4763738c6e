"""Relay cursor connections with totalCount over a queryset, with a hard page-size cap.

Cursors are opaque offsets (like graphene-django's). `first`/`last` above the cap is an error, not a silent
truncation, so a client learns the rule. The page is fetched with one LIMIT/OFFSET query and counted with one
COUNT query; callers shape the queryset (select_related / prefetch) before handing it in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import graphene
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql_relay import cursor_to_offset, offset_to_cursor

DEFAULT_PAGE_SIZE = 20


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="How many items match, over all pages.")


def connection_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(),
        "after": graphene.String(),
        "last": graphene.Int(),
        "before": graphene.String(),
    }


def _offset(cursor: str | None, name: str) -> int | None:
    if cursor is None:
        return None
    offset = cursor_to_offset(cursor)
    if offset is None or offset < 0:
        raise GraphQLError(_("Tham số “%(name)s” không phải con trỏ hợp lệ.") % {"name": name})
    return offset


def page_bounds(
    total: int, *, first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[int, int]:
    """The [start, end) slice of the full list that the Relay arguments select."""
    cap = settings.GRAPHQL_MAX_PAGE_SIZE
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise GraphQLError(_("Tham số “%(name)s” phải từ 0 trở lên.") % {"name": name})
        if value is not None and value > cap:
            raise GraphQLError(
                _("Tham số “%(name)s” là %(value)s; mỗi lần chỉ lấy được tối đa %(cap)s mục.")
                % {"name": name, "value": value, "cap": cap}
            )
    start = (_offset(after, "after") + 1) if after is not None else 0
    end = min(_offset(before, "before"), total) if before is not None else total
    start = min(start, end)
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    return start, end


def build_connection(
    connection_type: type[CountableConnection],
    items: Sequence[Any],
    *,
    start: int,
    end: int,
    total: int,
) -> CountableConnection:
    edge_type = connection_type.Edge
    edges = [edge_type(node=item, cursor=offset_to_cursor(start + i)) for i, item in enumerate(items)]
    page_info = graphene.relay.PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=start > 0,
        has_next_page=end < total,
    )
    return connection_type(edges=edges, page_info=page_info, total_count=total)


def paginate_queryset(
    queryset: QuerySet,
    connection_type: type[CountableConnection],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    count: Callable[[QuerySet], int] | None = None,
    **_: Any,
) -> CountableConnection:
    total = count(queryset) if count else queryset.count()
    start, end = page_bounds(total, first=first, after=after, last=last, before=before)
    items = list(queryset[start:end]) if end > start else []
    return build_connection(connection_type, items, start=start, end=end, total=total)
