"""factory-boy factories for the shared domain models. A listed product in one line: `ListedProductFactory()`."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from marketplace.catalog.models import Certification, Product, ProductSet, ProductVariant
from marketplace.catalog.selectors import today_in_vietnam
from marketplace.catalog.services import build_search_document
from marketplace.core.text import fold, slugify_vi
from marketplace.geo.models import Commune, Province
from marketplace.inventory.models import Stock, StockLocation
from marketplace.producers.models import Producer, ProducerStaff


def thanh_hoa() -> Province:
    return Province.objects.get(codename="thanh_hoa")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="vi_VN")

    class Params:
        raw_password = "test-password-123"

    password = factory.LazyAttribute(lambda o: make_password(o.raw_password))


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"HTX Nông sản Xứ Thanh {n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    kind = Producer.Kind.COOPERATIVE
    tax_code = factory.Sequence(lambda n: f"28{n:08d}")
    province = factory.LazyFunction(thanh_hoa)
    commune = factory.LazyAttribute(lambda o: Commune.objects.filter(province=o.province).order_by("code").first())
    slug = factory.LazyAttribute(lambda o: slugify_vi(o.name))
    status = Producer.Status.ACTIVE


class ProducerStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerStaff

    producer = factory.SubFactory(ProducerFactory)
    user = factory.SubFactory(UserFactory)
    role = ProducerStaff.Role.OWNER


class ProductFactory(factory.django.DjangoModelFactory):
    """A product with no certification (so not listed). Use ListedProductFactory for a sellable one."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    producer = factory.SubFactory(ProducerFactory)
    product_set = factory.LazyFunction(lambda: ProductSet.objects.get(number=9))
    name = factory.Sequence(lambda n: f"Nước mắm cốt {n}")
    registry_key = factory.Sequence(lambda n: f"38-TEST-{n:05d}")
    slug = factory.LazyAttribute(lambda o: f"{slugify_vi(o.name)}-{o.registry_key.lower()}")
    is_published = True

    @factory.post_generation
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.search_document = build_search_document(self)
            Product.objects.filter(pk=self.pk).update(search_document=self.search_document)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    product = factory.SubFactory(ProductFactory)
    registry_code = factory.LazyAttribute(lambda o: o.product.registry_key)
    stars = 4
    level = Certification.Level.PROVINCE
    decision_number = factory.Sequence(lambda n: f"{1000 + n}/QĐ-UBND")
    decision_date = factory.LazyFunction(lambda: today_in_vietnam() - datetime.timedelta(days=200))
    valid_until = factory.LazyAttribute(lambda o: o.decision_date.replace(year=o.decision_date.year + 3))
    status = Certification.Status.ACTIVE


class ListedProductFactory(ProductFactory):
    """A published product of an active producer holding a current 4★ certification, with one variant in stock."""

    @factory.post_generation
    def certification(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        cert = CertificationFactory(product=self, **kwargs)
        self.current_certification = cert
        Product.objects.filter(pk=self.pk).update(current_certification=cert)

    @factory.post_generation
    def variant(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            VariantFactory(product=self, **kwargs)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = "chai 500 ml"
    weight_grams = 650
    price = 120_000

    @factory.post_generation
    def stock(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        if not create or extracted == 0:
            return
        location, _ = StockLocation.objects.get_or_create(
            producer=self.product.producer,
            kind=StockLocation.Kind.WAREHOUSE,
            defaults={"name": f"Kho {self.product.producer.name}", "province": self.product.producer.province},
        )
        Stock.objects.update_or_create(variant=self, location=location, defaults={"quantity": extracted or 50})
