"""The parser on its own: headers, stars, dates, provinces (63 → 34), product sets, odd sheets."""

from __future__ import annotations

import datetime
import io
import unicodedata

import openpyxl
import pytest

from catalog_sync.parsing import (
    Record,
    Reference,
    add_months,
    grid_rows,
    header_key,
    parse,
    parse_date,
    parse_stars,
    parse_values,
)
from catalog_sync.provinces import MERGED_INTO, OLD_TO_NEW
from catalog_sync.sources import SourceError, XLSXSource, open_source
from marketplace.catalog.models import ProductSet
from marketplace.geo.models import Province


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Tên sản phẩm", "product_name"),
        ("TÊN SẢN PHẨM", "product_name"),
        ("Tên\nsản   phẩm ", "product_name"),
        (unicodedata.normalize("NFD", "Tên sản phẩm"), "product_name"),
        ("Tỉnh/Thành phố", "province"),
        ("Huyện (cũ)", "legacy_district"),
        ("Xã/Phường", "commune"),
        ("Hạng sao", "stars"),
        ("product_name", "product_name"),
        ("Decision Date", "decision_date"),
        ("valid_until", "valid_until"),
        ("Ghi chú", None),
    ],
)
def test_header_mapping_ignores_case_spaces_breaks_and_diacritics(header, key):
    assert header_key(header) == key


@pytest.mark.parametrize("value", ["3", "3 sao", "3★", "3*", " 3  Sao ", 3, 3.0, "3 stars"])
def test_stars_in_every_spelling(value):
    assert parse_stars(value) == 3


@pytest.mark.parametrize("value", ["0", "6 sao", "ba sao", "3.5", 7])
def test_impossible_stars_raise(value):
    with pytest.raises(ValueError):
        parse_stars(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06/04/2021", datetime.date(2021, 4, 6)),
        ("6/4/2021", datetime.date(2021, 4, 6)),
        ("06-04-2021", datetime.date(2021, 4, 6)),
        ("2021-04-06", datetime.date(2021, 4, 6)),
        (datetime.datetime(2021, 4, 6, 0, 0), datetime.date(2021, 4, 6)),
        (44292, datetime.date(2021, 4, 6)),  # an Excel serial date
        ("", None),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2021", "2021-13-01", "hôm qua", "32/1/2020"])
def test_impossible_dates_raise(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_validity_is_36_months_clamped_to_month_end():
    assert add_months(datetime.date(2021, 4, 6), 36) == datetime.date(2024, 4, 6)
    assert add_months(datetime.date(2020, 2, 29), 36) == datetime.date(2023, 2, 28)


def test_mapping_table_covers_63_old_provinces_onto_34():
    assert len(MERGED_INTO) == 34
    assert len(set(OLD_TO_NEW) - {"hue"}) == 63
    assert OLD_TO_NEW["thanh hoa"] == "thanh hoa"


@pytest.mark.django_db
def test_every_new_province_exists_in_geo():
    assert set(MERGED_INTO) == set(Province.objects.values_list("name_folded", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "codename"),
    [
        ("Thanh Hóa", "thanh_hoa"),
        ("Tỉnh Thanh Hoá", "thanh_hoa"),
        ("Hà Nam", "ninh_binh"),
        ("Tỉnh Bắc Giang", "bac_ninh"),
        ("Thừa Thiên Huế", "hue"),
        ("Bà Rịa - Vũng Tàu", "ho_chi_minh"),
        ("TP. Hồ Chí Minh", "ho_chi_minh"),
        ("Kiên Giang", "an_giang"),
        ("38", "thanh_hoa"),
    ],
)
def test_pre_2025_province_names(text, codename):
    ref = Reference.load()
    assert ref.province(text) == Province.objects.get(codename=codename).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "number"),
    [
        (9, 9),
        ("9", 9),
        ("9. Tương, nước mắm", 9),
        ("Tương, nước mắm, gia vị dạng lỏng", 9),
        ("Chè", 11),
        ("Mỹ phẩm", 19),
    ],
)
def test_product_set_by_number_name_or_1048_sector(value, number):
    assert Reference.load().product_set(value) == ProductSet.objects.get(number=number).pk


def _row(**overrides):
    row = {
        "registry_code": "38-X-1",
        "product_name": "Nước mắm Ba Làng",
        "producer_name": "HTX Nước mắm Ba Làng",
        "province": "Thanh Hóa",
        "product_set": "9",
        "stars": "4 sao",
        "decision_number": "1/QĐ-UBND",
        "decision_date": "05/08/2021",
        "__raw__": {},
    }
    row.update(overrides)
    return row


@pytest.mark.django_db
def test_values_are_normalised_and_defaults_applied():
    nfd = unicodedata.normalize("NFD", "  Nước   mắm Ba Làng ")
    record = parse_values(5, _row(product_name=nfd, status=" Còn hiệu lực "), Reference.load())
    assert isinstance(record, Record)
    assert record.product_name == "Nước mắm Ba Làng"
    assert unicodedata.is_normalized("NFC", record.product_name)
    assert record.valid_until == datetime.date(2024, 8, 5)
    assert record.level == "province"
    assert record.producer_kind == "cooperative"  # inferred from "HTX …"
    assert record.status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"stars": ""}, "stars", "REQUIRED"),
        ({"stars": "9 sao"}, "stars", "INVALID_STARS"),
        ({"decision_date": "31/02/2021"}, "decision_date", "INVALID_DATE"),
        ({"valid_until": "01/01/2020"}, "valid_until", "INVALID_DATE"),
        ({"product_set": "Đồ chơi"}, "product_set", "UNKNOWN_SET"),
        ({"province": "Atlantis"}, "province", "UNKNOWN_PROVINCE"),
        ({"status": "tạm dừng"}, "status", "UNKNOWN_STATUS"),
        ({"level": "xã"}, "level", "UNKNOWN_LEVEL"),
        ({"tax_code": "28-ABC"}, "tax_code", "INVALID_TAX_CODE"),
        ({"product_name": " "}, "product_name", "REQUIRED"),
    ],
)
def test_bad_values_give_bilingual_issues_naming_the_column(overrides, column, code):
    issues = parse_values(7, _row(**overrides), Reference.load())
    assert isinstance(issues, list)
    issue = next(i for i in issues if i.column == column)
    assert issue.code == code
    assert issue.row_number == 7
    assert issue.message_vi and issue.message_en and issue.message_vi != issue.message_en


@pytest.mark.django_db
def test_xlsx_with_title_rows_breaks_in_headers_excel_dates_and_a_total_row(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP NĂM 2024"])
    sheet.append(["(Kèm theo Quyết định số 3305/QĐ-UBND)"])
    sheet.append([])
    sheet.append(
        ["STT", "Tên\nsản phẩm", "TÊN CHỦ THỂ", "Tỉnh/ Thành phố", "Bộ sản phẩm", "Hạng\nsao", "Số QĐ", "Ngày QĐ"]
    )
    sheet.append(
        [
            1,
            unicodedata.normalize("NFD", "Chè lam Phủ Quảng"),
            "HTX Phủ Quảng",
            "Thanh Hóa",
            6,
            3,
            "1/QĐ",
            datetime.datetime(2024, 8, 15),
        ]
    )
    sheet.append([2, "Bánh gai", "Hộ Lê Văn Tứ", "Hà Nam", "Chế biến từ gạo, ngũ cốc", "4★", "1/QĐ", "15/8/2024"])
    sheet.append(["Tổng cộng: 2 sản phẩm"])
    path = tmp_path / "annex.xlsx"
    workbook.save(path)

    parsed = parse(XLSXSource(str(path)).fetch().rows, Reference.load())
    assert parsed.issues == []
    assert [r.row_number for r in parsed.records] == [5, 6]
    first, second = parsed.records
    assert first.product_name == "Chè lam Phủ Quảng" and first.decision_date == datetime.date(2024, 8, 15)
    assert first.stars == 3 and second.stars == 4
    assert second.province_id == Province.objects.get(codename="ninh_binh").pk


def test_missing_required_columns_names_them(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Tên sản phẩm,Tên chủ thể,Tỉnh\nA,B,Thanh Hóa\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        open_source(str(path)).fetch()
    assert info.value.code == "MISSING_COLUMNS"
    assert "Hạng sao" in str(info.value) and "stars" in str(info.value)


def test_grid_without_header_is_refused():
    with pytest.raises(ValueError, match="product_name"):
        list(grid_rows([["a", "b"], ["c", "d"]], has_default_province=False))


def test_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SourceError) as info:
        open_source(str(path)).fetch()
    assert info.value.code == "WRONG_FORMAT"


def test_csv_semicolon_and_cp1258(tmp_path):
    path = tmp_path / "x.csv"
    body = "Tên sản phẩm;Tên chủ thể;Tỉnh;Bộ sản phẩm;Hạng sao;Số quyết định;Ngày quyết định\nA;B;Thanh Hoa;9;3;1/QD;01/01/2024\n"
    path.write_bytes(io.BytesIO(body.encode("utf-8")).getvalue())
    rows = open_source(str(path)).fetch().rows
    assert rows[0][1]["product_name"] == "A"


@pytest.mark.django_db
@pytest.mark.parametrize("value", [float("inf"), float("nan"), 2.5, -1])
def test_odd_numeric_tax_codes_are_issues_not_crashes(value):
    # Found by the property test: a float('inf') tax code used to raise OverflowError.
    issues = parse_values(3, _row(tax_code=value), Reference.load())
    assert [i.code for i in issues] == ["INVALID_TAX_CODE"]
