"""The /graphql/ endpoint: sync DataLoader batching, depth/cost limits, rate limit, CSRF only where it matters."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit
from graphene_django.views import GraphQLView
from graphql_sync_dataloaders import DeferredExecutionContext

from marketplace.core.graphql.limits import validation_rules


def _graphql_rate(group: str, request: HttpRequest) -> str:
    return settings.GRAPHQL_RATE_LIMIT


def _needs_csrf_check(request: HttpRequest) -> bool:
    # A forged cross-site POST can only ride on ambient credentials (the session cookie). Token-authenticated
    # and anonymous calls carry nothing to forge, so API clients need no CSRF token.
    if request.method != "POST" or request.META.get("HTTP_AUTHORIZATION"):
        return False
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class OcopExecutionContext(DeferredExecutionContext):
    """graphql-sync-dataloaders 0.1.1 calls handle_field_error(error, type) without the `path` graphql-core 3.2.14
    requires, so any resolver error crashed the whole request; an absent path is allowed by CollectedErrors."""

    def handle_field_error(self, error: Any, return_type: Any, path: Any = None) -> None:
        return super().handle_field_error(error, return_type, path)


@method_decorator(csrf_exempt, name="dispatch")
class OcopGraphQLView(GraphQLView):
    execution_context_class = OcopExecutionContext

    @method_decorator(ratelimit(key="ip", rate=_graphql_rate, block=True))
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _needs_csrf_check(request):
            refusal = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
            if refusal is not None:
                return refusal
        return super().dispatch(request, *args, **kwargs)

    def json_encode(self, request: HttpRequest, d: Any, pretty: bool = False) -> str:
        # UTF-8 as is: Vietnamese escaped as \uXXXX costs up to 3× the bytes on slow rural networks.
        if pretty or request.GET.get("pretty"):
            return json.dumps(d, sort_keys=True, indent=2, ensure_ascii=False)
        return json.dumps(d, separators=(",", ":"), ensure_ascii=False)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        # Rules are built per request so the cost rule can read the variables' page sizes.
        self.validation_rules = validation_rules(variables if isinstance(variables, dict) else {})
        return super().execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)
