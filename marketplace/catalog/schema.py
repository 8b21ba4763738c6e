"""Storefront catalog GraphQL (public, no login) and the seller-centre product mutations.

Thin: reads go through catalog.selectors (THE listing rule included), writes through catalog.services.
No N+1: a product page is one COUNT, one shaped SELECT (producer/province/commune/set/group/certification joined),
one prefetch each for variants and media, and one query for the online availability of every variant on the page
(a per-request cache filled through SyncDataLoaders), whatever the page size.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql_relay import from_global_id, to_global_id
from graphql_sync_dataloaders import SyncDataLoader

from marketplace.catalog import selectors, services
from marketplace.catalog.availability import available_quantities
from marketplace.catalog.images import nearest_size
from marketplace.catalog.models import Certification, Product, ProductGroup, ProductMedia, ProductSet, ProductVariant
from marketplace.core.errors import DomainError
from marketplace.core.graphql.mutations import BaseMutation
from marketplace.core.graphql.pagination import (
    CountableConnection,
    build_connection,
    connection_args,
    page_bounds,
    paginate_queryset,
)
from marketplace.core.graphql.types import (
    IntRangeInput,
    Money,
    MoneyRange,
    OrderDirection,
    choices_enum,
    error_type,
    money_field,
)
from marketplace.producers.models import Producer

# --- ids ---------------------------------------------------------------------------------------------------


def global_id(type_name: str, pk: int) -> str:
    return to_global_id(type_name, str(pk))


def decode_id(value: str, type_name: str, *, field: str = "id") -> int:
    """A Relay global id of `type_name` → primary key. A bare integer is accepted too (admin links, tests)."""
    text = str(value or "").strip()
    if text.isdigit():
        return int(text)
    try:
        kind, pk = from_global_id(text)
    except Exception:  # noqa: BLE001 - any decoding failure is the same bad input
        kind, pk = "", ""
    if kind != type_name or not str(pk).isdigit():
        raise DomainError(
            "INVALID",
            _("“%(value)s” không phải id %(type)s hợp lệ.") % {"value": value, "type": type_name},
            field=field,
        )
    return int(pk)


def decode_ids_or_graphql_error(values: list[str] | None, type_name: str, field: str) -> list[int]:
    try:
        return [decode_id(value, type_name, field=field) for value in values or []]
    except DomainError as exc:
        raise GraphQLError(exc.message)


def _absolute(info: graphene.ResolveInfo, url: str) -> str:
    build = getattr(info.context, "build_absolute_uri", None)
    return build(url) if build else url


# --- per-request online availability (one query for every variant on the page) -------------------------------


def _quantities(info: graphene.ResolveInfo, variant_ids: list[int]) -> dict[int, int]:
    cache: dict[int, int] = info.context.__dict__.setdefault("_catalog_quantities", {})
    missing = [pk for pk in variant_ids if pk not in cache]
    if missing:
        cache.update(available_quantities(missing))
    return {pk: cache[pk] for pk in variant_ids}


def _loader(info: graphene.ResolveInfo, name: str, batch: Any) -> SyncDataLoader:
    loaders: dict[str, SyncDataLoader] = info.context.__dict__.setdefault("_catalog_loaders", {})
    if name not in loaders:
        loaders[name] = SyncDataLoader(batch)
    return loaders[name]


def variant_quantity_loader(info: graphene.ResolveInfo) -> SyncDataLoader:
    def batch(ids: list[int]) -> list[int]:
        found = _quantities(info, list(ids))
        return [found[pk] for pk in ids]

    return _loader(info, "variant_quantity", batch)


def product_available_loader(info: graphene.ResolveInfo) -> SyncDataLoader:
    def batch(products: list[Product]) -> list[bool]:
        ids = [variant.pk for product in products for variant in product.variants.all()]
        found = _quantities(info, ids)
        return [any(found[v.pk] > 0 for v in product.variants.all()) for product in products]

    return _loader(info, "product_available", batch)


# --- enums -----------------------------------------------------------------------------------------------------


ProducerKindEnum = choices_enum("ProducerKind", Producer.Kind)


CertificationLevelEnum = choices_enum("CertificationLevel", Certification.Level)


CertificationStatusEnum = choices_enum("CertificationStatus", Certification.Status)


class ProductOrderField(graphene.Enum):
    RELEVANCE = "relevance"
    NAME = "name"
    PRICE = "price"
    STARS = "stars"
    NEWEST = "newest"


class ProductErrorCode(graphene.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNIQUE = "UNIQUE"
    INVALID_GTIN = "INVALID_GTIN"
    INVALID_PRICE = "INVALID_PRICE"
    INVALID_IMAGE = "INVALID_IMAGE"
    INVALID_IMAGE_FORMAT = "INVALID_IMAGE_FORMAT"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"


ProductError = error_type("ProductError", ProductErrorCode)


# --- types -----------------------------------------------------------------------------------------------------


class ProductGroupType(graphene.ObjectType):
    class Meta:
        name = "ProductGroup"

    id = graphene.ID(required=True)
    code = graphene.String(required=True, description="I … VI")
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    slug = graphene.String(required=True)
    product_sets = graphene.List(graphene.NonNull(lambda: ProductSetType), required=True)

    @staticmethod
    def resolve_id(root: ProductGroup, info: graphene.ResolveInfo) -> str:
        return global_id("ProductGroup", root.pk)

    @staticmethod
    def resolve_product_sets(root: ProductGroup, info: graphene.ResolveInfo) -> list[ProductSet]:
        return list(root.product_sets.all())


class ProductSetType(graphene.ObjectType):
    class Meta:
        name = "ProductSet"

    id = graphene.ID(required=True)
    number = graphene.Int(required=True, description="1 … 26 (QĐ 148/QĐ-TTg)")
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    slug = graphene.String(required=True)
    group = graphene.Field(ProductGroupType, required=True)

    @staticmethod
    def resolve_id(root: ProductSet, info: graphene.ResolveInfo) -> str:
        return global_id("ProductSet", root.pk)


class ProducerType(graphene.ObjectType):
    class Meta:
        name = "Producer"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    kind = graphene.Field(ProducerKindEnum, required=True)
    province = graphene.String(required=True, description="Province short name, e.g. 'Thanh Hóa'.")
    province_code = graphene.String(required=True)
    commune = graphene.String(description="Commune/ward as the registry names it, e.g. 'Xã Hoằng Phụ'.")
    story = graphene.String(required=True, description="Sanitised HTML.")
    website = graphene.String(required=True)

    @staticmethod
    def resolve_id(root: Producer, info: graphene.ResolveInfo) -> str:
        return global_id("Producer", root.pk)

    @staticmethod
    def resolve_kind(root: Producer, info: graphene.ResolveInfo) -> str:
        return root.kind

    @staticmethod
    def resolve_province(root: Producer, info: graphene.ResolveInfo) -> str:
        return root.province.short_name

    @staticmethod
    def resolve_province_code(root: Producer, info: graphene.ResolveInfo) -> str:
        return f"{root.province.code:02d}"

    @staticmethod
    def resolve_commune(root: Producer, info: graphene.ResolveInfo) -> str | None:
        if root.commune_id:
            return root.commune.name
        return root.commune_text or None


class CertificationType(graphene.ObjectType):
    class Meta:
        name = "Certification"

    registry_code = graphene.String(required=True)
    stars = graphene.Int(required=True)
    level = graphene.Field(CertificationLevelEnum, required=True)
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    valid_until = graphene.Date(required=True)
    status = graphene.Field(CertificationStatusEnum, required=True)


class ImageType(graphene.ObjectType):
    class Meta:
        name = "Image"

    url = graphene.String(required=True)
    alt = graphene.String(required=True)
    width = graphene.Int()
    height = graphene.Int()


class ProductVariantType(graphene.ObjectType):
    class Meta:
        name = "ProductVariant"

    id = graphene.ID(required=True)
    sku = graphene.String(required=True)
    gtin = graphene.String()
    name = graphene.String(required=True)
    weight_grams = graphene.Int(required=True)
    price = money_field("price", required=True)
    compare_at_price = money_field("compare_at_price")
    is_active = graphene.Boolean(required=True)
    quantity_available = graphene.Int(required=True, description="Units sellable online now.")

    @staticmethod
    def resolve_id(root: ProductVariant, info: graphene.ResolveInfo) -> str:
        return global_id("ProductVariant", root.pk)

    @staticmethod
    def resolve_quantity_available(root: ProductVariant, info: graphene.ResolveInfo) -> Any:
        return variant_quantity_loader(info).load(root.pk)


def _media_image(info: graphene.ResolveInfo, media: ProductMedia) -> ImageType:
    return ImageType(url=_absolute(info, media.image.url), alt=media.alt, width=media.width, height=media.height)


class ProductType(graphene.ObjectType):
    class Meta:
        name = "Product"

    id = graphene.ID(required=True)
    name = graphene.String(required=True, description="The name as certified.")
    slug = graphene.String(required=True)
    description = graphene.String(required=True, description="Sanitised HTML.")
    stars = graphene.Int(required=True)
    is_available = graphene.Boolean(required=True, description="Some variant can be bought online now.")
    certification = graphene.Field(CertificationType, required=True)
    producer = graphene.Field(ProducerType, required=True)
    product_set = graphene.Field(ProductSetType, required=True)
    variants = graphene.List(graphene.NonNull(ProductVariantType), required=True)
    price_range = graphene.Field(MoneyRange)
    thumbnail = graphene.Field(ImageType, size=graphene.Int(description="Pixels; the nearest of 160/320/640/1280."))
    media = graphene.List(graphene.NonNull(ImageType), required=True)
    created = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: Product, info: graphene.ResolveInfo) -> str:
        return global_id("Product", root.pk)

    @staticmethod
    def resolve_stars(root: Product, info: graphene.ResolveInfo) -> int:
        return root.current_certification.stars

    @staticmethod
    def resolve_certification(root: Product, info: graphene.ResolveInfo) -> Certification:
        return root.current_certification

    @staticmethod
    def resolve_is_available(root: Product, info: graphene.ResolveInfo) -> Any:
        return product_available_loader(info).load(root)

    @staticmethod
    def resolve_variants(root: Product, info: graphene.ResolveInfo) -> list[ProductVariant]:
        return [variant for variant in root.variants.all() if variant.is_active]

    @staticmethod
    def resolve_price_range(root: Product, info: graphene.ResolveInfo) -> MoneyRange | None:
        prices = [variant.price for variant in root.variants.all() if variant.is_active]
        if not prices:
            return None
        return MoneyRange(start=Money.of(min(prices)), stop=Money.of(max(prices)))

    @staticmethod
    def resolve_thumbnail(root: Product, info: graphene.ResolveInfo, size: int | None = None) -> ImageType | None:
        media = list(root.media.all())
        if not media:
            return None
        first = media[0]
        url = reverse("catalog-thumbnail", args=[first.pk, nearest_size(size)])
        return ImageType(url=_absolute(info, url), alt=first.alt or root.name)

    @staticmethod
    def resolve_media(root: Product, info: graphene.ResolveInfo) -> list[ImageType]:
        return [_media_image(info, media) for media in root.media.all()]

    @staticmethod
    def resolve_created(root: Product, info: graphene.ResolveInfo) -> Any:
        return root.created_at


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = ProductType


class ProducerCountableConnection(CountableConnection):
    class Meta:
        node = ProducerType


# --- inputs ----------------------------------------------------------------------------------------------------


class ProductFilterInput(graphene.InputObjectType):
    stars = graphene.List(graphene.NonNull(graphene.Int))
    min_stars = graphene.Int()
    product_sets = graphene.List(graphene.NonNull(graphene.ID))
    product_groups = graphene.List(graphene.NonNull(graphene.ID))
    producers = graphene.List(graphene.NonNull(graphene.ID))
    province = graphene.String(description="Province code ('38') or name ('Thanh Hóa', 'thanh hoa').")
    commune = graphene.String(description="Commune code or name ('Xã Hoằng Phụ', 'hoang phu').")
    price = graphene.Field(IntRangeInput, description="On any active variant's price, in đồng.")
    in_stock = graphene.Boolean()


class ProductOrder(graphene.InputObjectType):
    field = ProductOrderField(required=True)
    direction = OrderDirection(required=True)


class ProducerFilterInput(graphene.InputObjectType):
    province = graphene.String()
    commune = graphene.String()
    kinds = graphene.List(graphene.NonNull(ProducerKindEnum))


# --- queries ---------------------------------------------------------------------------------------------------


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def products_queryset(
    *, search: str | None = None, filter: dict | None = None, sort_by: dict | None = None
) -> QuerySet[Product]:
    filters = dict(filter or {})
    decoded = {
        "stars": filters.get("stars"),
        "min_stars": filters.get("min_stars"),
        "product_sets": decode_ids_or_graphql_error(filters.get("product_sets"), "ProductSet", "productSets"),
        "product_groups": decode_ids_or_graphql_error(filters.get("product_groups"), "ProductGroup", "productGroups"),
        "producers": decode_ids_or_graphql_error(filters.get("producers"), "Producer", "producers"),
        "province": filters.get("province"),
        "commune": filters.get("commune"),
        "price": dict(filters["price"]) if filters.get("price") else None,
        "in_stock": filters.get("in_stock"),
    }
    queryset = selectors.filter_products(selectors.storefront_products(), filters=decoded)
    searching = bool(selectors.search_tokens(search))
    if searching:
        queryset = selectors.search_products(queryset, search)
    sort_by = sort_by or {}
    return selectors.sort_products(
        queryset,
        field=_enum_value(sort_by.get("field")),
        direction=_enum_value(sort_by.get("direction")) or "asc",
        searching=searching,
    )


def public_producers() -> QuerySet[Producer]:
    """Active producers with at least one listed product (the listing rule decides)."""
    return (
        Producer.objects.filter(status=Producer.Status.ACTIVE)
        .filter(Exists(selectors.listed_products().filter(producer=OuterRef("pk"))))
        .select_related("province", "commune")
    )


def _count_without_annotations(queryset: QuerySet) -> int:
    return queryset.order_by().values("pk").count()


class Query(graphene.ObjectType):
    products = graphene.Field(
        ProductCountableConnection,
        search=graphene.String(),
        filter=ProductFilterInput(),
        sort_by=ProductOrder(),
        **connection_args(),
    )
    product = graphene.Field(ProductType, id=graphene.ID(), slug=graphene.String())
    product_groups = graphene.List(graphene.NonNull(ProductGroupType), required=True)
    product_sets = graphene.List(graphene.NonNull(ProductSetType), required=True, group=graphene.ID())
    producers = graphene.Field(
        ProducerCountableConnection, search=graphene.String(), filter=ProducerFilterInput(), **connection_args()
    )
    producer = graphene.Field(ProducerType, id=graphene.ID(), slug=graphene.String())

    @staticmethod
    def resolve_products(
        root, info, search: str | None = None, filter: dict | None = None, sort_by: dict | None = None, **page
    ) -> ProductCountableConnection:
        queryset = products_queryset(search=search, filter=filter, sort_by=sort_by)
        total = _count_without_annotations(queryset)
        start, end = page_bounds(
            total, first=page.get("first"), after=page.get("after"), last=page.get("last"), before=page.get("before")
        )
        items = selectors.storefront_page(queryset, start, end)
        return build_connection(ProductCountableConnection, items, start=start, end=end, total=total)

    @staticmethod
    def resolve_product(root, info, id: str | None = None, slug: str | None = None) -> Product | None:
        if (id is None) == (slug is None):
            raise GraphQLError(_("Hãy cho đúng một trong hai: “id” hoặc “slug”."))
        queryset = selectors.storefront_products()
        if id is not None:
            try:
                return queryset.filter(pk=decode_id(id, "Product")).first()
            except DomainError:
                return None
        return queryset.filter(slug=slug).first()

    @staticmethod
    def resolve_product_groups(root, info) -> list[ProductGroup]:
        return list(
            ProductGroup.objects.order_by("position").prefetch_related(
                Prefetch("product_sets", queryset=ProductSet.objects.select_related("group").order_by("number"))
            )
        )

    @staticmethod
    def resolve_product_sets(root, info, group: str | None = None) -> list[ProductSet]:
        queryset = ProductSet.objects.select_related("group").order_by("number")
        if group is not None:
            try:
                queryset = queryset.filter(group_id=decode_id(group, "ProductGroup", field="group"))
            except DomainError as exc:
                raise GraphQLError(exc.message)
        return list(queryset)

    @staticmethod
    def resolve_producers(root, info, search: str | None = None, filter: dict | None = None, **page):
        queryset = public_producers()
        for token in selectors.search_tokens(search):
            queryset = queryset.filter(name_folded__contains=token)
        filters = dict(filter or {})
        if filters.get("province"):
            from marketplace.geo.selectors import find_province

            province = find_province(filters["province"])
            queryset = queryset.filter(province=province) if province else queryset.none()
        if filters.get("commune"):
            queryset = queryset.filter(selectors.commune_condition(filters["commune"], prefix=""))
        if filters.get("kinds"):
            queryset = queryset.filter(kind__in=[_enum_value(kind) for kind in filters["kinds"]])
        return paginate_queryset(queryset.order_by("name", "pk"), ProducerCountableConnection, **page)

    @staticmethod
    def resolve_producer(root, info, id: str | None = None, slug: str | None = None) -> Producer | None:
        if (id is None) == (slug is None):
            raise GraphQLError(_("Hãy cho đúng một trong hai: “id” hoặc “slug”."))
        if id is not None:
            try:
                return public_producers().filter(pk=decode_id(id, "Producer")).first()
            except DomainError:
                return None
        return public_producers().filter(slug=slug).first()


# --- seller-centre mutations (producer staff; registry-owned fields are not inputs at all) ----------------------


class ProductUpdateInput(graphene.InputObjectType):
    description = graphene.String(description="HTML; sanitised on save.")
    is_published = graphene.Boolean()


class ProductVariantCreateInput(graphene.InputObjectType):
    sku = graphene.String(required=True)
    name = graphene.String(required=True)
    price = graphene.Int(required=True, description="Integer đồng.")
    gtin = graphene.String()
    compare_at_price = graphene.Int()
    weight_grams = graphene.Int()


class ProductVariantUpdateInput(graphene.InputObjectType):
    sku = graphene.String()
    name = graphene.String()
    price = graphene.Int()
    gtin = graphene.String()
    compare_at_price = graphene.Int()
    weight_grams = graphene.Int()
    is_active = graphene.Boolean()


def _user(info: graphene.ResolveInfo) -> Any:
    return getattr(info.context, "user", None)


def _seller_product(product: Product) -> Product:
    # Mutations answer with the producer's own view (listed or not), shaped like the storefront's.
    return (
        Product.objects.select_related(
            "producer__province", "producer__commune", "product_set__group", "current_certification"
        )
        .prefetch_related("variants", "media")
        .get(pk=product.pk)
    )


class ProductUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ProductUpdateInput(required=True)

    product = graphene.Field(ProductType)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, input: dict) -> dict:
        product = services.update_product(
            user=_user(info),
            product=decode_id(id, "Product"),
            description=input.get("description"),
            is_published=input.get("is_published"),
        )
        return {"product": _seller_product(product)}


def _variant_changes(data: dict) -> dict:
    return {key: value for key, value in dict(data).items() if key in services.VARIANT_FIELDS}


class ProductVariantCreate(BaseMutation):
    class Arguments:
        product = graphene.ID(required=True)
        input = ProductVariantCreateInput(required=True)

    product_variant = graphene.Field(ProductVariantType)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)

    @classmethod
    def perform(cls, root, info, product: str, input: dict) -> dict:
        data = _variant_changes(input)
        data.setdefault("weight_grams", 0)
        if data["weight_grams"] is None:
            data["weight_grams"] = 0
        variant = services.create_variant(
            user=_user(info), product=decode_id(product, "Product", field="product"), **data
        )
        return {"product_variant": variant}


class ProductVariantUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ProductVariantUpdateInput(required=True)

    product_variant = graphene.Field(ProductVariantType)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)

    @classmethod
    def perform(cls, root, info, id: str, input: dict) -> dict:
        variant = services.update_variant(
            user=_user(info), variant=decode_id(id, "ProductVariant"), **_variant_changes(input)
        )
        return {"product_variant": variant}


class ProductMediaCreate(BaseMutation):
    """Upload an image as multipart/form-data: form fields `query` and `variables` (JSON) plus the file as a part
    whose name is given in `file`, e.g. `curl -F query='mutation($p: ID!) { productMediaCreate(product: $p,
    file: "image") { media { url } errors { code } } }' -F variables='{"p": "…"}' -F image=@photo.jpg`."""

    class Arguments:
        product = graphene.ID(required=True)
        file = graphene.String(required=True, description="Name of the multipart part holding the image.")
        alt = graphene.String()

    media = graphene.Field(ImageType)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)

    @classmethod
    def perform(cls, root, info, product: str, file: str, alt: str = "") -> dict:
        files = getattr(info.context, "FILES", None) or {}
        upload = files.get(file)
        if upload is None:
            raise DomainError(
                "INVALID", _("Yêu cầu multipart này không có phần tệp tên “%(name)s”.") % {"name": file}, field="file"
            )
        media = services.add_product_media(
            user=_user(info), product=decode_id(product, "Product", field="product"), file=upload, alt=alt or ""
        )
        return {"media": _media_image(info, media)}


class Mutation(graphene.ObjectType):
    product_update = ProductUpdate.Field()
    product_variant_create = ProductVariantCreate.Field()
    product_variant_update = ProductVariantUpdate.Field()
    product_media_create = ProductMediaCreate.Field()
