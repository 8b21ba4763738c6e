"""Storefront URLs (Vietnamese paths). Product pages live at /san-pham/<slug>/ — the traceability resolver links there."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from storefront_theme import account_views, shop_views, views
from storefront_theme.sitemaps import SITEMAPS

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("san-pham/", views.all_products, name="products"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product"),
    path("nhom/<slug:slug>/", views.group_listing, name="group"),
    path("bo-san-pham/<slug:slug>/", views.set_listing, name="product_set"),
    path("tim-kiem/", views.search, name="search"),
    path("chu-the/<slug:slug>/", views.producer_detail, name="producer"),
    path("dia-gioi/<int:code>/xa-phuong.json", views.communes_json, name="communes_json"),
    path("gio-hang/", shop_views.cart, name="cart"),
    path("gio-hang/them/", shop_views.cart_add, name="cart_add"),
    path("gio-hang/cap-nhat/", shop_views.cart_update, name="cart_update"),
    path("thanh-toan/", shop_views.checkout, name="checkout"),
    path("don-hang/<str:number>/", shop_views.order_confirmation, name="order_confirmation"),
    path("don-hang/<str:number>/huy/", shop_views.order_cancel, name="order_cancel"),
    path("tra-cuu-don-hang/", shop_views.order_track, name="order_track"),
    path("tai-khoan/dang-ky/", account_views.signup, name="signup"),
    path("tai-khoan/dang-nhap/", account_views.SignInView.as_view(), name="login"),
    path("tai-khoan/dang-xuat/", account_views.SignOutView.as_view(), name="logout"),
    path("tai-khoan/don-hang/", account_views.my_orders, name="my_orders"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
