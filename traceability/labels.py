"""QR codes (segno) and A4 label sheets (fpdf2 with embedded DejaVuSans, which covers Vietnamese)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from fpdf import FPDF

from traceability import digital_link, signing
from traceability.models import Lot, SerialUnit

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph at INFO

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def lot_uri(lot: Lot) -> str:
    return digital_link.build_uri(settings.PUBLIC_BASE_URL, lot.variant.gtin, lot=lot.code, expiry=lot.expiry_date)


def serial_uri(unit: SerialUnit) -> str:
    gtin = digital_link.normalize_gtin(unit.variant.gtin)
    return digital_link.build_uri(
        settings.PUBLIC_BASE_URL, gtin, serial=unit.serial, extra={"s": signing.serial_tag(gtin, unit.serial)}
    )


def qr(uri: str) -> segno.QRCode:
    return segno.make_qr(uri, error="m")


def qr_svg(uri: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    qr(uri).save(out, kind="svg", scale=scale, border=4, xmldecl=False, title=uri)
    return out.getvalue()


def qr_png(uri: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    qr(uri).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass
class Label:
    uri: str
    product: str
    lot: str
    expiry: str
    stars: int
    serial: str = ""


# A4 = 210 × 297 mm; 3 × 8 labels of 70 × 37 mm on a plain sheet (common die-cut size 70×37).
COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70.0, 37.0
MARGIN_X, MARGIN_Y = 0.0, (297 - ROWS * 37.0) / 2


def labels_for_lot(lot: Lot, *, count: int = COLUMNS * ROWS) -> list[Label]:
    product = lot.variant.product
    stars = product.current_certification.stars if product.current_certification_id else 0
    expiry = lot.expiry_date.strftime("%d/%m/%Y") if lot.expiry_date else "—"
    return [Label(lot_uri(lot), product.name, lot.code, expiry, stars) for _ in range(count)]


def labels_for_serials(lot: Lot, units: list[SerialUnit]) -> list[Label]:
    base = labels_for_lot(lot, count=1)[0]
    return [Label(serial_uri(u), base.product, base.lot, base.expiry, base.stars, serial=u.serial) for u in units]


def label_sheet_pdf(labels: list[Label]) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_title("OCOP — nhãn truy xuất")
    pdf.set_creator("OCOP Market")
    per_page = COLUMNS * ROWS
    for index, label in enumerate(labels):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = MARGIN_X + (slot % COLUMNS) * LABEL_W
        y = MARGIN_Y + (slot // COLUMNS) * LABEL_H
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x + 1, y + 1, LABEL_W - 2, LABEL_H - 2)
        qr_size = LABEL_H - 6
        pdf.image(io.BytesIO(qr_png(label.uri, scale=6)), x=x + 2.5, y=y + 3, w=qr_size, h=qr_size)
        tx = x + 3 + qr_size + 1
        tw = LABEL_W - (tx - x) - 3
        pdf.set_xy(tx, y + 3)
        pdf.set_font("DejaVu", "B", 7)
        pdf.multi_cell(tw, 3.2, label.product[:70], align="L", new_x="LEFT", new_y="NEXT", max_line_height=3.2)
        pdf.set_font("DejaVu", "", 6.5)
        pdf.set_x(tx)
        pdf.cell(tw, 3.2, f"Lô/Lot: {label.lot}", new_x="LEFT", new_y="NEXT")
        if label.serial:
            pdf.set_x(tx)
            pdf.cell(tw, 3.2, f"Sê-ri: {label.serial}", new_x="LEFT", new_y="NEXT")
        pdf.set_x(tx)
        pdf.cell(tw, 3.2, f"HSD/EXP: {label.expiry}", new_x="LEFT", new_y="NEXT")
        if label.stars:
            pdf.set_x(tx)
            pdf.set_text_color(200, 140, 0)
            pdf.set_font("DejaVu", "B", 8)
            pdf.cell(tw, 4, "★" * label.stars + " OCOP", new_x="LEFT", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        pdf.set_font("DejaVu", "", 5)
        pdf.set_xy(tx, y + LABEL_H - 6)
        pdf.cell(tw, 2.5, "Quét để truy xuất / Scan to trace")
    return bytes(pdf.output())
