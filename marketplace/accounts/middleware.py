"""`Authorization: Bearer <token>` authenticates API clients (apps, kiosks) without cookies."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from marketplace.accounts.tokens import user_for_token


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            user = user_for_token(header[7:].strip())
            if user is None:
                return JsonResponse(
                    {
                        "errors": [
                            {
                                "message": "The bearer token is invalid or expired.",
                                "extensions": {"code": "INVALID_TOKEN"},
                            }
                        ]
                    },
                    status=401,
                )
            request.user = user
            request._dont_enforce_csrf_checks = True  # no ambient credential: nothing to forge
        return self.get_response(request)
