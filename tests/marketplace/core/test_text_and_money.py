import unicodedata

import pytest

from marketplace.core.money import format_vnd, percent_of
from marketplace.core.text import fold, normalize_text, slugify_vi


@pytest.mark.parametrize(
    "raw",
    ["nuoc mam", "NƯỚC MẮM", "nước mắm", unicodedata.normalize("NFD", "nước mắm"), "  Nước\u00a0 mắm\n"],
)
def test_fold_makes_every_spelling_of_nuoc_mam_equal(raw: str) -> None:
    assert fold(raw) == "nuoc mam"


def test_fold_maps_d_with_stroke() -> None:
    assert fold("Đông Sơn") == "dong son"
    assert fold("đặc sản") == "dac san"


def test_normalize_text_is_nfc_and_trimmed() -> None:
    nfd = unicodedata.normalize("NFD", " Mật  ong ")
    assert normalize_text(nfd) == "Mật ong"
    assert unicodedata.is_normalized("NFC", normalize_text(nfd))
    assert normalize_text(None) == ""


def test_slugify_vi() -> None:
    assert slugify_vi("Nước mắm Ba Làng – 40 độ đạm") == "nuoc-mam-ba-lang-40-do-dam"
    assert slugify_vi("!!!") == "item"


def test_format_vnd() -> None:
    assert format_vnd(250000) == "250.000\xa0₫"
    assert format_vnd(250000, "en") == "₫250,000"


def test_percent_of_rounds_half_up_to_the_dong() -> None:
    assert percent_of(100_000, 500) == 5_000
    assert percent_of(12_345, 1_000) == 1_235  # 1234.5 → 1235
