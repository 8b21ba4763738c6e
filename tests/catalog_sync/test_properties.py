"""Hypothesis: malformed rows and files never crash the parser; every problem comes back as a clear issue."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_sync.parsing import HEADER_ALIASES, Record, Reference, parse_values
from catalog_sync.sources import Source, SourceError, csv_rows, json_items, load_json, xlsx_rows

KEYS = [key for key in HEADER_ALIASES if key != "row"]
cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["3 sao", "31/02/2021", "Thanh Hóa", "Hà Nam", "9", "Thu hồi", "2800000001", "0", "99/99/9999"]),
    st.dates().map(lambda d: d.isoformat()),
)
rows = st.dictionaries(st.sampled_from(KEYS), cell, max_size=len(KEYS))


@pytest.fixture
def reference(db):
    return Reference.load()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=rows, number=st.integers(min_value=1, max_value=10**6))
def test_any_row_is_a_record_or_clear_issues(reference, values, number):
    values["__raw__"] = {}
    result = parse_values(number, values, reference)
    if isinstance(result, Record):
        assert 1 <= result.stars <= 5
        assert result.valid_until > result.decision_date
        assert result.product_name and result.producer_name and result.decision_number
    else:
        assert result, "an invalid row must say why"
        for issue in result:
            assert issue.row_number == number
            assert issue.code and issue.message_vi and issue.message_en


class _Grid(Source):
    pass


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_csv_xlsx_or_json_raise_only_source_errors(data):
    grid = _Grid("x")
    for reader in (lambda: grid._grid(csv_rows(data)), lambda: grid._grid(xlsx_rows(data))):
        try:
            reader()
        except SourceError as exc:
            assert exc.message_vi and exc.message_en
    try:
        grid._records(json_items(load_json(data))[0])
    except SourceError as exc:
        assert exc.code in {"WRONG_FORMAT", "MISSING_COLUMNS"}


@settings(max_examples=100, deadline=None)
@given(table=st.lists(st.lists(st.text(max_size=15), max_size=8), max_size=12))
def test_random_sheets_either_parse_or_name_the_missing_header(table):
    grid = _Grid("x")
    try:
        grid._grid(table)
    except SourceError as exc:
        assert exc.code == "MISSING_COLUMNS"
