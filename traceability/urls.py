"""Traceability URLs, hung at the site root: GS1 Digital Link paths (/01/…) must sit right under the domain."""

from django.urls import path, re_path

from traceability import views

app_name = "traceability"

urlpatterns = [
    re_path(r"^01/", views.resolve, name="resolve"),
    path(".well-known/gs1resolver", views.well_known_resolver, name="well-known"),
    path("truy-xuat/capture", views.capture, name="capture"),
    path("truy-xuat/lo/<int:pk>/qr.<str:fmt>", views.lot_qr, name="lot-qr"),
    path("truy-xuat/lo/<int:pk>/nhan.pdf", views.lot_labels, name="lot-labels"),
    path("truy-xuat/se-ri/<int:pk>/qr.<str:fmt>", views.serial_qr, name="serial-qr"),
]
