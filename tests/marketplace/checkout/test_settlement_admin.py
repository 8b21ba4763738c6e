import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from marketplace.catalog.selectors import today_in_vietnam
from marketplace.checkout import services as checkout_services
from marketplace.orders.models import Fulfilment, Order
from marketplace.payments import services
from marketplace.payments.models import CommissionRate, LedgerEntry
from tests.factories import UserFactory

from .conftest import ready_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(two_producers):
    a, b = two_producers
    CommissionRate.objects.create(product_set=a.product.product_set, rate_bp=1_000)  # 10 % for this product set
    order = checkout_services.complete_checkout(
        checkout=ready_checkout([(a.pk, 2), (b.pk, 1)], gateway="BANK_TRANSFER")
    )
    office = UserFactory(is_staff=True, is_superuser=True)
    services.confirm_bank_transfer(order=order, user=office)
    return order


def test_ledger_uses_the_product_set_rate(paid_order, settings):
    entries = {e.gross: e for e in LedgerEntry.objects.filter(order=paid_order)}
    # both variants share product set 9 (factory default), so 10 % applies to both lines
    assert entries[200_000].commission == 20_000
    assert entries[200_000].net == 180_000
    assert entries[60_000].commission == 6_000


def test_default_rate_from_settings(two_producers, settings):
    settings.PLATFORM_COMMISSION_BP = 500
    a, _b = two_producers
    order = checkout_services.complete_checkout(checkout=ready_checkout([(a.pk, 1)], gateway="BANK_TRANSFER"))
    services.confirm_bank_transfer(order=order, user=UserFactory(is_staff=True, is_superuser=True))
    entry = LedgerEntry.objects.get(order=order)
    assert (entry.commission_rate_bp, entry.commission, entry.net) == (500, 5_000, 95_000)


def test_statement_command_csv_and_xlsx(paid_order, tmp_path, capsys):
    today = today_in_vietnam().isoformat()
    call_command("settlement_statement", "--start", today, "--end", today)
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("producer,order,date,kind")
    assert lines[-1].endswith(",26000,234000")  # total commission, total net
    target = tmp_path / "s.xlsx"
    producer_id = paid_order.fulfilments.first().producer_id
    call_command(
        "settlement_statement",
        "--start",
        today,
        "--end",
        today,
        "--producer",
        str(producer_id),
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    rows = list(load_workbook(target).active.values)
    assert rows[0][0] == "producer"
    assert len(rows) == 3  # header, one line, total


def test_admin_order_page_and_actions(paid_order, admin_client):
    response = admin_client.get(f"/admin/orders/order/{paid_order.pk}/change/")
    assert response.status_code == 200
    assert paid_order.number in response.content.decode()
    response = admin_client.post(
        "/admin/orders/order/", {"action": "mark_shipped", "_selected_action": [paid_order.pk]}, follow=True
    )
    assert response.status_code == 200
    assert set(Fulfilment.objects.filter(order=paid_order).values_list("status", flat=True)) == {"shipped"}
    admin_client.post("/admin/orders/order/", {"action": "mark_delivered", "_selected_action": [paid_order.pk]})
    assert Order.objects.get(pk=paid_order.pk).status == "delivered"


def test_admin_confirm_transfer_and_ledger_export(two_producers, admin_client):
    a, _b = two_producers
    order = checkout_services.complete_checkout(checkout=ready_checkout([(a.pk, 1)], gateway="BANK_TRANSFER"))
    admin_client.post("/admin/orders/order/", {"action": "confirm_bank_transfer", "_selected_action": [order.pk]})
    assert Order.objects.get(pk=order.pk).payment_status == "paid"
    ids = list(LedgerEntry.objects.values_list("pk", flat=True))
    response = admin_client.post("/admin/payments/ledgerentry/", {"action": "export_xlsx", "_selected_action": ids})
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[-1][-1] == 100_000 - 8_000
    response = admin_client.post("/admin/payments/ledgerentry/", {"action": "export_csv", "_selected_action": ids})
    assert b"TOTAL" in response.content


def test_demo_orders_are_idempotent(two_producers):
    from marketplace.demo.registry import LOADERS, load_orders_demo

    assert load_orders_demo in LOADERS
    out: list[str] = []
    load_orders_demo(out.append)
    load_orders_demo(out.append)
    assert Order.objects.filter(email__startswith="demo-").count() == 2
    assert {o.payment_method for o in Order.objects.all()} == {"cod", "bank_transfer"}
    assert sum("kept" in line for line in out) == 2
