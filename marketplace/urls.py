"""URL map. Each app with pages brings its own urls module."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from marketplace.core.graphql.view import OcopGraphQLView
from marketplace.core.views import healthz

admin.site.site_header = "OCOP Market — Văn phòng Điều phối"
admin.site.site_title = "OCOP Market"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("graphql/", OcopGraphQLView.as_view(graphiql=settings.DEBUG), name="graphql"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("marketplace.catalog.urls")),
    path("", include("traceability.urls")),
    path("", include("marketplace.payments.urls")),
    path("", include("storefront_theme.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
