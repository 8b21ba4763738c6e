"""Settlement statements: per producer and period, what was sold, the platform's commission, net payable."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from openpyxl import Workbook

from marketplace.catalog.selectors import VIETNAM
from marketplace.payments.models import LedgerEntry

HEADER = [
    "producer",
    "order",
    "date",
    "kind",
    "sku",
    "product",
    "quantity",
    "gross",
    "commission_rate_%",
    "commission",
    "net",
]


@dataclass
class Statement:
    rows: list[list]
    gross: int
    commission: int
    net: int


def entries_for(*, start: datetime.date, end: datetime.date, producer_id: int | None = None) -> QuerySet[LedgerEntry]:
    """Entries created from `start` to `end` inclusive (local dates, Asia/Ho_Chi_Minh)."""
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=VIETNAM)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=VIETNAM)
    qs = LedgerEntry.objects.filter(created_at__gte=since, created_at__lt=until)
    if producer_id is not None:
        qs = qs.filter(producer_id=producer_id)
    return qs.select_related("producer", "order", "order_line").order_by("producer_id", "created_at", "pk")


def build(entries: QuerySet[LedgerEntry] | list[LedgerEntry]) -> Statement:
    rows = []
    gross = commission = net = 0
    for e in entries:
        rows.append(
            [
                e.producer.name,
                e.order.number,
                e.created_at.astimezone(VIETNAM).date().isoformat(),
                e.kind,
                e.order_line.sku,
                e.order_line.product_name,
                e.order_line.quantity if e.kind == LedgerEntry.Kind.SALE else -e.order_line.quantity,
                e.gross,
                e.commission_rate_bp / 100,
                e.commission,
                e.net,
            ]
        )
        gross += e.gross
        commission += e.commission
        net += e.net
    return Statement(rows=rows, gross=gross, commission=commission, net=net)


def to_csv(statement: Statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(statement.rows)
    writer.writerow(["TOTAL", "", "", "", "", "", "", statement.gross, "", statement.commission, statement.net])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Vietnamese text correctly


def to_xlsx(statement: Statement) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Quyet toan"
    ws.append(HEADER)
    for row in statement.rows:
        ws.append(row)
    ws.append(["TOTAL", "", "", "", "", "", "", statement.gross, "", statement.commission, statement.net])
    for col in ("H", "J", "K"):
        for cell in ws[col][1:]:
            cell.number_format = "#,##0"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
