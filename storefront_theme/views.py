"""Catalog pages: home, listings, search, product, producer. Every query starts from the listing rule."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from marketplace.catalog.models import Product, ProductGroup, ProductSet
from marketplace.catalog.selectors import listed_products, search_products
from marketplace.geo.models import Commune, Province
from marketplace.inventory.selectors import available_quantities, sales_points_stocking
from marketplace.producers.models import Producer
from storefront_theme import selectors

SEARCH_SUGGESTIONS = ["nước mắm", "mật ong", "chè", "gạo", "bánh", "nem chua"]


def _int(value: str | None, *, low: int = 0, high: int = 10**12) -> int | None:
    try:
        number = int((value or "").replace(".", "").replace(",", "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _filters(request: HttpRequest, default_sort: str = "new") -> selectors.ListingFilters:
    get = request.GET
    sort = get.get("sort") or default_sort
    return selectors.ListingFilters(
        stars=_int(get.get("stars"), low=3, high=5),
        province=_int(get.get("province"), low=1, high=999),
        commune=_int(get.get("commune"), low=1, high=10**6),
        price_min=_int(get.get("price_min")),
        price_max=_int(get.get("price_max")),
        in_stock=get.get("in_stock") in {"1", "on", "true"},
        sort=sort if sort in selectors.SORTS else default_sort,
    )


def _page(request: HttpRequest, queryset) -> object:
    return selectors.page_of(queryset, request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _listing_context(request: HttpRequest, base, *, searching: bool = False) -> dict:
    filters = _filters(request, "relevance" if searching else "new")
    communes = Commune.objects.none()
    if filters.province:
        communes = Commune.objects.filter(province__code=filters.province).order_by("name")
    return {
        "filters": filters,
        "page_obj": _page(request, selectors.filtered(base, filters, searching=searching)),
        "provinces": Province.objects.order_by("name"),
        "communes": communes,
        "sorts": [
            *([("relevance", _("Phù hợp nhất"))] if searching else []),
            ("new", _("Mới nhất")),
            ("stars", _("Nhiều sao nhất")),
            ("price_asc", _("Giá tăng dần")),
            ("price_desc", _("Giá giảm dần")),
            ("name", _("Tên A–Z")),
        ],
        "querystring": _query_without_page(request),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "storefront/home.html",
        {
            "featured": selectors.featured_products(),
            "newest": selectors.newly_certified(),
            "groups": selectors.groups_with_sets(),
        },
    )


@require_GET
def all_products(request: HttpRequest) -> HttpResponse:
    context = _listing_context(request, listed_products())
    context.update(title=_("Tất cả sản phẩm OCOP"), breadcrumbs=[])
    return render(request, "storefront/listing.html", context)


@require_GET
def group_listing(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(ProductGroup, slug=slug)
    context = _listing_context(request, listed_products().filter(product_set__group=group))
    context.update(title=group.name, group=group, product_sets=group.product_sets.all(), breadcrumbs=[])
    return render(request, "storefront/listing.html", context)


@require_GET
def set_listing(request: HttpRequest, slug: str) -> HttpResponse:
    product_set = get_object_or_404(ProductSet.objects.select_related("group"), slug=slug)
    context = _listing_context(request, listed_products().filter(product_set=product_set))
    context.update(
        title=product_set.name,
        group=product_set.group,
        product_set=product_set,
        breadcrumbs=[(reverse("storefront:group", args=[product_set.group.slug]), product_set.group.name)],
    )
    return render(request, "storefront/listing.html", context)


def search_rate(group: str, request: HttpRequest) -> str:
    """Searches per client IP (a public hammering point); STOREFRONT_SEARCH_RATE_LIMIT overrides it."""
    return getattr(settings, "STOREFRONT_SEARCH_RATE_LIMIT", "120/m")


@ratelimit(key="ip", rate=search_rate, block=True)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("q") or "").strip()[:100]
    base = search_products(listed_products(), text) if text else listed_products().none()
    context = _listing_context(request, base, searching=True)
    empty = not context["page_obj"].object_list
    context.update(
        q=text,
        title=_("Kết quả cho “%(q)s”") % {"q": text} if text else _("Tìm kiếm"),
        suggestions=SEARCH_SUGGESTIONS,
        groups=ProductGroup.objects.all() if empty else [],
        popular=selectors.featured_products(4) if empty else [],
        robots_noindex=True,
    )
    return render(request, "storefront/search.html", context)


def _product_json_ld(request: HttpRequest, product: Product, variants: list, stock: dict, images: list) -> dict:
    url = request.build_absolute_uri(product_url(product))
    offers = [
        {
            "@type": "Offer",
            "sku": variant.sku,
            "name": variant.name,
            "price": str(variant.price),
            "priceCurrency": "VND",
            "availability": "https://schema.org/InStock"
            if stock.get(variant.pk, 0) > 0
            else "https://schema.org/OutOfStock",
            "url": url,
            **({"gtin": variant.gtin} if variant.gtin else {}),
        }
        for variant in variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": strip_tags(product.description)[:500] or product.name,
        "brand": {"@type": "Brand", "name": product.producer.name},
        "category": product.product_set.name,
        "offers": offers,
    }
    if images:
        data["image"] = [request.build_absolute_uri(media.image.url) for media in images]
    return data


def product_url(product: Product) -> str:
    return reverse("storefront:product", args=[product.slug])


@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_for_page(slug)
    if product is None:
        return unlisted_product(request, slug)
    variants = list(product.variants.all())
    images = list(product.media.all())
    stock = available_quantities([v.pk for v in variants])
    for variant in variants:
        variant.available = stock.get(variant.pk, 0)
    context = {
        "product": product,
        "cert": product.current_certification,
        "producer": product.producer,
        "variants": variants,
        "images": images,
        "any_in_stock": any(v.available > 0 for v in variants),
        "sales_points": list(sales_points_stocking([v.pk for v in variants])[:10]),
        "similar": selectors.similar_products(product),
        "json_ld": _product_json_ld(request, product, variants, stock, images),
        "og_image": request.build_absolute_uri(images[0].image.url) if images else "",
        "canonical": request.build_absolute_uri(product_url(product)),
    }
    return render(request, "storefront/product.html", context)


def unlisted_product(request: HttpRequest, slug: str) -> HttpResponse:
    """404 for an unknown slug; 410 Gone for a product that was listed once. Both offer similar listed products."""
    gone = selectors.was_ever_listed(slug)
    similar = selectors.similar_products(None, product_set_id=gone.product_set_id if gone else None)
    return render(
        request,
        "storefront/product_gone.html",
        {"gone": gone, "similar": similar, "robots_noindex": True},
        status=410 if gone else 404,
    )


@require_GET
def producer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    producer = get_object_or_404(
        Producer.objects.select_related("province", "commune"), slug=slug, status=Producer.Status.ACTIVE
    )
    products = listed_products().filter(producer=producer).order_by("-current_certification__stars", "name", "pk")
    page_obj = _page(request, products)
    if not page_obj.object_list:
        raise Http404(_("Chủ thể này hiện không có sản phẩm OCOP đang bán."))
    return render(
        request,
        "storefront/producer.html",
        {"producer": producer, "page_obj": page_obj, "querystring": _query_without_page(request)},
    )


@require_GET
def communes_json(request: HttpRequest, code: int) -> JsonResponse:
    """The communes/wards of a province, for the address and filter selects: [{code, name}]."""
    province = get_object_or_404(Province, code=code)
    rows = Commune.objects.filter(province=province).order_by("name").values("code", "name")
    response = JsonResponse({"province": province.code, "communes": list(rows)})
    response["Cache-Control"] = "public, max-age=86400"
    return response


def producers_with_listed_products():
    return Producer.objects.filter(
        status=Producer.Status.ACTIVE, pk__in=listed_products().values("producer_id")
    ).order_by("name")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers: product, producer and listing pages yes; carts, checkout, accounts and search results no."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {reverse(name)}" for name in ("storefront:cart", "storefront:checkout", "storefront:search")),
        "Disallow: /tai-khoan/",
        "Disallow: /don-hang/",
        f"Sitemap: {request.build_absolute_uri(reverse('storefront:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
