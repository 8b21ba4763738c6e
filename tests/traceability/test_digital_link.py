"""The strict GS1 Digital Link parser: the standard's rules, valid and invalid forms."""

from __future__ import annotations

import datetime

import pytest

from traceability import digital_link as dl

GTIN = "08936012345674"  # from the standards note; check digit 4


def test_check_digit_examples() -> None:
    assert dl.gs1_check_digit("0952012345678") == 8
    assert dl.is_valid_gtin("09520123456788")
    assert dl.is_valid_gtin("036000291452")  # UPC-A
    assert dl.is_valid_gtin(GTIN)
    assert not dl.is_valid_gtin("08936012345675")
    assert dl.is_valid_gln(dl.with_check_digit("893601234000"))


def test_lot_and_serial_and_expiry() -> None:
    link = dl.parse(f"/01/{GTIN}/10/L2025-07/21/A0001", "17=270630&linkType=gs1:pip&s=abc")
    assert (link.gtin, link.lot, link.serial) == (GTIN, "L2025-07", "A0001")
    assert link.expiry == datetime.date(2027, 6, 30)
    assert link.extensions == {"linkType": "gs1:pip", "s": "abc"}
    assert link.canonical


def test_day_zero_is_end_of_month() -> None:
    assert dl.parse(f"/01/{GTIN}/10/A", "17=270200").expiry == datetime.date(2027, 2, 28)


@pytest.mark.parametrize("short", ["9520123456788", "036000291452"])
def test_short_gtins_are_valid_but_not_canonical(short: str) -> None:
    link = dl.parse(f"/01/{short}/10/X1")
    assert link.gtin == short.zfill(14)
    assert not link.canonical
    assert link.path() == f"/01/{short.zfill(14)}/10/X1"


def test_gtin8() -> None:
    gtin8 = dl.with_check_digit("9638507")
    link = dl.parse(f"/01/{gtin8}/10/X")
    assert link.gtin == gtin8.zfill(14) and not link.canonical


def test_percent_encoding_round_trip() -> None:
    path = dl.build_path(GTIN, lot="AB/12+C")
    assert path == f"/01/{GTIN}/10/AB%2F12%2BC"
    assert dl.parse(path).lot == "AB/12+C"
    assert dl.parse(f"/01/{GTIN}/10/ab%2fc").lot == "ab/c"  # hex is case-insensitive


def test_trailing_slash_is_tolerated_as_non_canonical() -> None:
    link = dl.parse(f"/01/{GTIN}/10/L1/")
    assert link.lot == "L1" and not link.canonical


def test_build_uri() -> None:
    uri = dl.build_uri(
        "https://ocop.vn/", "8936012345674", lot="L1", expiry=datetime.date(2027, 6, 30), extra={"s": "x"}
    )
    assert uri == f"https://ocop.vn/01/{GTIN}/10/L1?17=270630&s=x"
    assert dl.parse_uri(uri).lot == "L1"


@pytest.mark.parametrize(
    ("path", "query", "fragment"),
    [
        (f"/01/{GTIN[:-1]}5/10/L1", "", "check digit"),
        ("/01/8936012345675/10/L1", "", "check digit"),
        ("/01/1234567/10/L1", "", "8, 12, 13 or 14"),
        ("/01/08936O12345674/10/L1", "", "digits only"),
        (f"/01/{GTIN}/21/S1/10/L1", "", "out of order"),
        (f"/01/{GTIN}/10/L1/22/C", "", "out of order"),
        (f"/01/{GTIN}/10/L1/10/L2", "", "twice"),
        (f"/01/{GTIN}/99/X", "", "not a key qualifier"),
        (f"/01/{GTIN}/10", "", "alternate"),
        (f"/01/{GTIN}/10/L%201", "", "character set"),
        (f"/01/{GTIN}/10/" + "A" * 21, "", "longer than 20"),
        (f"/01/{GTIN}/21/" + "%C3%A9", "", "character set"),
        (f"/01/{GTIN}/10/L1", "10=L1", "belongs in the path"),
        (f"/01/{GTIN}/10/L1", "21=S", "belongs in the path"),
        (f"/01/{GTIN}/10/L1", "89=X", "not a data attribute"),
        (f"/01/{GTIN}/10/L1", "17=271301", "month"),
        (f"/01/{GTIN}/10/L1", "17=270231", "day"),
        (f"/01/{GTIN}/10/L1", "17=2706", "YYMMDD"),
        (f"/01/{GTIN}/10/L1", "17=270630&17=270630", "twice"),
        (f"/01/{GTIN}/10/L1", "17=", "empty"),
        (f"/01/{GTIN}/10/L%001", "", "%00"),
        (f"/01/{GTIN}/10/L<1", "", "'<'"),
        ("/gtin/08936012345674/lot/L1", "", "no GTIN"),
    ],
)
def test_invalid(path: str, query: str, fragment: str) -> None:
    with pytest.raises(dl.DigitalLinkError) as info:
        dl.parse(path, query)
    assert fragment in info.value.message
    assert info.value.message_vi


def test_uri_scheme_must_be_http() -> None:
    with pytest.raises(dl.DigitalLinkError):
        dl.parse_uri(f"ftp://x.vn/01/{GTIN}/10/L1")
