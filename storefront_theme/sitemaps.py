"""sitemap.xml: listed products only, producers with listed products, and the static pages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from marketplace.catalog.models import Product, ProductGroup
from marketplace.catalog.selectors import listed_products
from marketplace.producers.models import Producer


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return listed_products().only("slug", "updated_at").order_by("pk")

    def location(self, item: Product) -> str:
        return reverse("storefront:product", args=[item.slug])

    def lastmod(self, item: Product):
        return item.updated_at


class ProducerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Producer.objects.filter(status=Producer.Status.ACTIVE, pk__in=listed_products().values("producer_id"))
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def location(self, item: Producer) -> str:
        return reverse("storefront:producer", args=[item.slug])

    def lastmod(self, item: Producer):
        return item.updated_at


class GroupSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ProductGroup.objects.order_by("position")

    def location(self, item: ProductGroup) -> str:
        return reverse("storefront:group", args=[item.slug])


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["storefront:home", "storefront:products", "storefront:order_track"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"static": StaticSitemap, "groups": GroupSitemap, "products": ProductSitemap, "producers": ProducerSitemap}
