from django.urls import path

from marketplace.catalog import views

urlpatterns = [
    path("thumbnail/<int:media_id>/<int:size>/", views.thumbnail, name="catalog-thumbnail"),
]
