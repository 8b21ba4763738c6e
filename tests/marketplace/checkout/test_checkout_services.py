import pytest
from django.core import mail

from marketplace.catalog.models import Product
from marketplace.checkout import services, shipping
from marketplace.checkout.phone import normalize_phone
from marketplace.checkout.selectors import summarize
from marketplace.core.errors import DomainError
from marketplace.geo.models import Commune, Province
from marketplace.inventory.models import Reservation, Stock
from marketplace.orders import services as order_services
from marketplace.orders.models import Fulfilment, Order, OrderEvent
from tests.factories import ProducerStaffFactory, ProductFactory, UserFactory, VariantFactory

from .conftest import ready_checkout, thanh_hoa_address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0387.123.456", "0387123456"),
        ("0237 3852 222", None),
        ("0237385222", "0237385222"),
        ("091234567", None),
        ("0112345678", None),
        ("+1 415 555 0100", None),
        ("", None),
    ],
)
def test_vietnamese_phone_numbers(raw, expected):
    assert normalize_phone(raw) == expected


def test_create_checkout_reserves_and_rejects_unlisted(variant):
    checkout = services.create_checkout(email="An@Example.com", lines=[(variant.pk, 2)])
    assert checkout.email == "an@example.com"
    assert Reservation.objects.get(checkout_token=str(checkout.token)).quantity == 2
    unlisted = VariantFactory(product=ProductFactory(), stock=10)
    with pytest.raises(DomainError) as exc:
        services.create_checkout(email="a@example.com", lines=[(unlisted.pk, 1)])
    assert exc.value.code == "NOT_LISTED"
    with pytest.raises(DomainError) as exc:
        services.create_checkout(email="a@example.com", lines=[(variant.pk, 49)])
    assert exc.value.code == "INSUFFICIENT_STOCK"


def test_lines_add_update_delete(variant):
    checkout = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    services.add_lines(checkout=checkout, lines=[(variant.pk, 2)])
    assert checkout.lines.get().quantity == 3
    services.update_lines(checkout=checkout, lines=[(variant.pk, 5)])
    assert Reservation.objects.get(checkout_token=str(checkout.token)).quantity == 5
    with pytest.raises(DomainError) as exc:
        services.update_lines(checkout=checkout, lines=[(variant.pk, -1)])
    assert exc.value.code == "INVALID_QUANTITY"
    services.delete_lines(checkout=checkout, line_ids=[checkout.lines.get().pk])
    assert not checkout.lines.exists()
    assert not Reservation.objects.filter(checkout_token=str(checkout.token)).exists()


def test_address_validation_reports_every_field_and_changes_nothing(variant):
    checkout = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    other_province_commune = Commune.objects.exclude(province__codename="thanh_hoa").first()
    with pytest.raises(DomainError) as exc:
        services.set_shipping_address(
            checkout=checkout,
            full_name="An",
            phone="12345",
            province="Thanh Hóa",
            commune=str(other_province_commune.code),
            street_address="1 Lê Lợi",
        )
    assert {(e.code, e.field) for e in exc.value.as_list()} == {
        ("INVALID_PHONE", "phone"),
        ("INVALID_COMMUNE", "commune"),
    }
    checkout.refresh_from_db()
    assert checkout.province_id is None
    services.set_shipping_address(
        checkout=checkout, **{**thanh_hoa_address(), "province": "thanh hoa", "phone": "+84912345678"}
    )
    assert checkout.phone == "0912345678"
    assert checkout.province.codename == "thanh_hoa"


def test_shipping_per_parcel_by_zone_weight_and_free_threshold(settings):
    settings.SHIPPING_FREE_THRESHOLD = 500_000
    ha_noi, thanh_hoa, nghe_an, hcm = 1, 38, 40, 79
    assert shipping.zone(thanh_hoa, thanh_hoa) == "local"
    assert shipping.zone(thanh_hoa, nghe_an) == "region"
    assert shipping.zone(ha_noi, hcm) == "far"
    assert (
        shipping.parcel_price(weight_grams=400, subtotal=100_000, origin_province_code=38, destination_province_code=38)
        == 18_000
    )
    assert (
        shipping.parcel_price(
            weight_grams=1_500, subtotal=100_000, origin_province_code=1, destination_province_code=79
        )
        == 48_000
    )
    # 7.2 kg far: 5 kg band 68 000 + 3 started kg × 11 000
    assert (
        shipping.parcel_price(
            weight_grams=7_200, subtotal=100_000, origin_province_code=1, destination_province_code=79
        )
        == 101_000
    )
    assert (
        shipping.parcel_price(
            weight_grams=7_200, subtotal=500_000, origin_province_code=1, destination_province_code=79
        )
        == 0
    )


def test_summary_has_one_parcel_per_producer(two_producers):
    a, b = two_producers
    checkout = services.create_checkout(email="a@example.com", lines=[(a.pk, 2), (b.pk, 1)])
    services.set_shipping_address(checkout=checkout, **thanh_hoa_address())
    summary = summarize(checkout)
    assert summary.subtotal == 260_000
    assert len(summary.parcels) == 2
    assert [m.id for m in summary.delivery_methods] == ["home"]
    # both producers are in Thanh Hóa (factory default): 2 × 650 g → 1 300 g local = 28 000; 650 g = 22 000
    assert sorted(p.shipping_price for p in summary.parcels) == [22_000, 28_000]
    assert summary.delivery_methods[0].price == 50_000


def test_completion_requires_delivery_and_payment(variant):
    checkout = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    with pytest.raises(DomainError) as exc:
        services.complete_checkout(checkout=checkout)
    codes = {e.code for e in exc.value.as_list()}
    assert {"SHIPPING_ADDRESS_REQUIRED", "DELIVERY_METHOD_REQUIRED", "PAYMENT_REQUIRED"} <= codes


def test_delisted_product_is_a_problem_and_blocks_completion(two_producers):
    a, b = two_producers
    checkout = ready_checkout([(a.pk, 1), (b.pk, 1)])
    Product.objects.filter(pk=a.product_id).update(is_published=False)
    summary = summarize(checkout)
    assert [p.code for p in summary.problems] == ["NOT_LISTED"]
    with pytest.raises(DomainError) as exc:
        services.complete_checkout(checkout=checkout)
    assert [e.code for e in exc.value.as_list()] == ["NOT_LISTED"]
    services.delete_lines(checkout=checkout, line_ids=[summary.problems[0].line_id])
    from marketplace.payments import services as payments

    payments.create_payment(checkout=checkout, gateway="COD")
    order = services.complete_checkout(checkout=checkout)
    assert order.lines.count() == 1


def test_complete_is_idempotent_snapshots_prices_and_splits_by_producer(
    two_producers, django_capture_on_commit_callbacks
):
    a, b = two_producers
    checkout = ready_checkout([(a.pk, 2), (b.pk, 3)])
    with django_capture_on_commit_callbacks(execute=True):
        order = services.complete_checkout(checkout=checkout)
    again = services.complete_checkout(checkout=checkout)
    assert again.pk == order.pk
    assert Order.objects.count() == 1
    assert order.subtotal == 2 * 100_000 + 3 * 60_000
    assert order.total == order.subtotal + order.shipping_total
    assert order.fulfilments.count() == 2
    a.price = 999_000
    a.save()
    assert order.lines.get(variant=a).unit_price == 100_000
    assert Stock.objects.get(variant=a).quantity_allocated == 2
    assert not Reservation.objects.filter(checkout_token=str(checkout.token)).exists()
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
    assert "Cảm ơn" in mail.outbox[0].body
    assert OrderEvent.objects.filter(order=order, type="placed").count() == 1
    with pytest.raises(DomainError) as exc:
        services.add_lines(checkout=checkout, lines=[(a.pk, 1)])
    assert exc.value.code == "CHECKOUT_COMPLETED"


def test_english_confirmation(variant, django_capture_on_commit_callbacks):
    checkout = ready_checkout([(variant.pk, 1)], language="en", gateway="bank_transfer")
    with django_capture_on_commit_callbacks(execute=True):
        order = services.complete_checkout(checkout=checkout)
    assert mail.outbox[0].subject.endswith(f"Order {order.number} confirmed")
    assert "Payment: Bank transfer (VietQR)" in mail.outbox[0].body
    assert order.transfer_note in mail.outbox[0].body
    assert order.number == checkout.order_number  # the number shown in the QR before the order existed


def test_fulfilments_drive_order_status_and_cod_is_paid_on_delivery(two_producers):
    a, b = two_producers
    order = services.complete_checkout(checkout=ready_checkout([(a.pk, 2), (b.pk, 1)]))
    fa, fb = order.fulfilments.order_by("pk")
    staff_a = ProducerStaffFactory(producer=fa.producer).user
    with pytest.raises(DomainError) as exc:
        order_services.set_fulfilment_status(fulfilment=fb, status="packed", user=staff_a)
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(DomainError) as exc:
        order_services.set_fulfilment_status(fulfilment=fa, status="delivered", user=staff_a)
    assert exc.value.code == "INVALID_TRANSITION"
    order_services.set_fulfilment_status(fulfilment=fa, status="packed", user=staff_a)
    order.refresh_from_db()
    assert order.status == "processing"
    order_services.set_fulfilment_status(fulfilment=fa, status="shipped", user=staff_a, tracking_number="GHN123")
    order.refresh_from_db()
    assert order.status == "partially_shipped"
    stock = Stock.objects.get(variant=a)
    assert (stock.quantity, stock.quantity_allocated) == (48, 0)
    office = UserFactory(is_superuser=True, is_staff=True)
    order_services.set_fulfilment_status(fulfilment=fa, status="delivered", user=office)
    order_services.set_fulfilment_status(fulfilment=fb, status="shipped", user=office)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("shipped", "unpaid")
    order_services.set_fulfilment_status(fulfilment=fb, status="delivered", user=office)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")
    assert Fulfilment.objects.get(pk=fa.pk).tracking_number == "GHN123"
    types = list(order.events.values_list("type", flat=True))
    assert types.count("fulfilment_status") == 5
    assert "paid" in types
    assert order.ledger_entries.count() == 2  # settlement follows the money


def test_commune_must_belong_to_province(variant):
    checkout = services.create_checkout(email="a@example.com", lines=[(variant.pk, 1)])
    hanoi = Province.objects.get(codename="ha_noi")
    with pytest.raises(DomainError) as exc:
        services.set_shipping_address(checkout=checkout, **{**thanh_hoa_address(), "province": str(hanoi.code)})
    assert exc.value.code == "INVALID_COMMUNE"


def test_pickup_at_a_sales_point(two_producers):
    from marketplace.inventory.models import StockLocation
    from marketplace.payments import services as payments

    a, b = two_producers
    shop = StockLocation.objects.create(
        name="Điểm bán OCOP Sầm Sơn", kind=StockLocation.Kind.SALES_POINT, ships_online_orders=False
    )
    Stock.objects.create(variant=a, location=shop, quantity=3)
    Stock.objects.create(variant=b, location=shop, quantity=1)
    checkout = services.create_checkout(email="a@example.com", lines=[(a.pk, 2), (b.pk, 1)])
    pickup_id = f"pickup:{shop.pk}"
    assert [m.id for m in summarize(checkout).delivery_methods] == [pickup_id]  # no address yet: no home delivery
    services.set_delivery_method(checkout=checkout, delivery_method_id=pickup_id)
    services.set_shipping_address(checkout=checkout, **thanh_hoa_address())
    summary = summarize(checkout)
    assert [m.id for m in summary.delivery_methods] == ["home", pickup_id]
    assert summary.shipping_total == 0
    assert summary.total == summary.subtotal
    payments.create_payment(checkout=checkout, gateway="COD")
    order = services.complete_checkout(checkout=checkout)
    assert (order.delivery_method, order.shipping_total) == (pickup_id, 0)
    assert Stock.objects.get(variant=a, location=shop).quantity_allocated == 2
    assert Stock.objects.get(variant=a, location__kind="warehouse").quantity_allocated == 0
    # the shop has 1 unit of b left... now 0: a second cart asking for b cannot pick up there
    other = services.create_checkout(email="b@example.com", lines=[(b.pk, 1)])
    assert all(not m.id.startswith("pickup:") for m in summarize(other).delivery_methods)
    with pytest.raises(DomainError) as exc:
        services.set_delivery_method(checkout=other, delivery_method_id=pickup_id)
    assert exc.value.code == "INVALID_DELIVERY_METHOD"


def test_completion_never_oversells_and_writes_nothing_on_shortage(variant):
    first = ready_checkout([(variant.pk, 3)])
    second = ready_checkout([(variant.pk, 3)])
    Reservation.objects.all().delete()  # both holds expired
    Stock.objects.filter(variant=variant).update(quantity=4)
    services.complete_checkout(checkout=first)
    with pytest.raises(DomainError) as exc:
        services.complete_checkout(checkout=second)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    second.refresh_from_db()
    assert second.order_id is None
    assert Order.objects.count() == 1
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.quantity_allocated) == (4, 3)
