"""Storefront pages speak Vietnamese until the visitor picks English.

Browsers in Vietnam often run with an English UI, so honouring Accept-Language would show many Vietnamese buyers an
English shop. On storefront pages only the language cookie (set by the one-click switch, /i18n/setlang/) chooses
English. The API, the admin and the QR traceability pages keep negotiating by Accept-Language: machine clients and
tourists scanning a stamp at the airport say what they want there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

STOREFRONT_NAMESPACE = "storefront"


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and "HTTP_ACCEPT_LANGUAGE" in request.META:
            try:
                namespace = resolve(request.path_info).namespace
            except Resolver404:
                namespace = STOREFRONT_NAMESPACE  # a 404 page is a storefront page too
            if namespace == STOREFRONT_NAMESPACE:
                del request.META["HTTP_ACCEPT_LANGUAGE"]
        return self.get_response(request)
