"""Turning registry rows (Vietnamese annex sheets or English-keyed feeds) into clean, typed records.

Everything here is pure: the reference data (provinces, product sets, 1048 sector names) is loaded once into
`Reference`, and each row becomes either a `Record` or a list of `RowIssue`s (bilingual, with the column).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from marketplace.core.text import fold as _fold
from marketplace.core.text import normalize_text

from .provinces import ALIASES, OLD_TO_NEW

# Canonical keys → header spellings (folded, punctuation → space). Vietnamese annex headers and English keys.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "row": ("stt", "tt", "so tt", "so thu tu", "row", "no", "#"),
    "registry_code": ("ma san pham", "ma sp", "ma ocop", "ma so san pham", "registry code", "product code", "code"),
    "product_name": ("ten san pham", "san pham", "ten san pham ocop", "product name", "product"),
    "producer_name": (
        "ten chu the",
        "chu the",
        "chu the ocop",
        "ten chu the san xuat",
        "co so san xuat",
        "producer name",
        "producer",
    ),
    "producer_kind": ("loai hinh chu the", "loai hinh", "loai hinh to chuc", "producer kind", "kind"),
    "tax_code": ("ma so thue", "mst", "ma so doanh nghiep", "tax code"),
    "address": ("dia chi", "dia chi chu the", "address", "street address"),
    "commune": ("xa phuong", "xa phuong dac khu", "xa", "phuong", "commune", "ward"),
    "legacy_district": ("huyen cu", "huyen", "quan huyen", "huyen thi xa thanh pho", "legacy district", "district"),
    "province": ("tinh thanh pho", "tinh tp", "tinh", "tinh thanh", "province"),
    "product_set": ("bo san pham", "nganh hang", "nhom nganh", "phan nhom", "product set", "set"),
    "stars": ("hang sao", "so sao", "xep hang", "xep hang sao", "ket qua xep hang", "sao", "stars", "star rating"),
    "level": ("cap cong nhan", "cap", "level"),
    "decision_number": ("so quyet dinh", "quyet dinh", "so qd", "qd cong nhan", "decision number", "decision"),
    "decision_date": ("ngay quyet dinh", "ngay qd", "ngay cong nhan", "ngay ban hanh", "decision date"),
    "valid_until": ("ngay het han", "het han", "hieu luc den", "thoi han", "valid until", "expiry date", "expires"),
    "status": ("trang thai", "tinh trang", "status"),
}
_HEADER_INDEX = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
REQUIRED = ("product_name", "producer_name", "product_set", "stars", "decision_number", "decision_date")
HEADER_SCAN_ROWS = 30
VALIDITY_MONTHS = 36

COLUMN_LABELS = {
    "registry_code": "Mã sản phẩm",
    "product_name": "Tên sản phẩm",
    "producer_name": "Tên chủ thể",
    "producer_kind": "Loại hình chủ thể",
    "tax_code": "Mã số thuế",
    "province": "Tỉnh/Thành phố",
    "product_set": "Bộ sản phẩm",
    "stars": "Hạng sao",
    "level": "Cấp công nhận",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "valid_until": "Ngày hết hạn",
    "status": "Trạng thái",
}

_PUNCT = re.compile(r"[^a-z0-9#]+")
_STARS = re.compile(r"^([0-9]+)(?:[.,]0+)?\s*(?:sao|\*|★|☆|stars?|s)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]+)?$")
_TAX = re.compile(r"^\d{10}(?:-\d{3})?$")
_SET_NUMBER = re.compile(r"^(\d{1,2})(?:\s*[.)\-:]\s*.*)?$")
_TOTAL = re.compile(r"^(tong|cong|total|tong cong|tong so)\b")
EXCEL_EPOCH = datetime.date(1899, 12, 30)

LEVELS = {
    "tinh": "province",
    "cap tinh": "province",
    "province": "province",
    "provincial": "province",
    "trung uong": "central",
    "cap trung uong": "central",
    "quoc gia": "central",
    "cap quoc gia": "central",
    "central": "central",
    "national": "central",
    "huyen": "district",
    "cap huyen": "district",
    "district": "district",
}
STATUSES = {
    "": "active",
    "con hieu luc": "active",
    "hieu luc": "active",
    "dang hieu luc": "active",
    "active": "active",
    "valid": "active",
    "thu hoi": "revoked",
    "da thu hoi": "revoked",
    "bi thu hoi": "revoked",
    "revoked": "revoked",
    "het hieu luc": "expired",
    "het han": "expired",
    "expired": "expired",
}
KINDS = {
    "doanh nghiep": "company",
    "cong ty": "company",
    "company": "company",
    "enterprise": "company",
    "htx": "cooperative",
    "hop tac xa": "cooperative",
    "cooperative": "cooperative",
    "tht": "cooperative_group",
    "to hop tac": "cooperative_group",
    "cooperative group": "cooperative_group",
    "ho kinh doanh": "household",
    "ho san xuat": "household",
    "ho san xuat kinh doanh": "household",
    "ho sxkd": "household",
    "hkd": "household",
    "co so san xuat": "household",
    "household": "household",
}
_KIND_PREFIXES = (
    ("hop tac xa", "cooperative"),
    ("htx", "cooperative"),
    ("to hop tac", "cooperative_group"),
    ("tht", "cooperative_group"),
    ("cong ty", "company"),
    ("doanh nghiep", "company"),
    ("dntn", "company"),
)


@functools.lru_cache(maxsize=65_536)
def fold(value: str) -> str:
    """core.text.fold, memoised: registry columns repeat the same provinces, sets, statuses and producers."""
    return _fold(value)


def header_key(text: Any) -> str | None:
    """'Tỉnh/\\nThành phố ' → 'province'; 'decision_date' → 'decision_date'; unknown → None."""
    folded = _PUNCT.sub(" ", fold(str(text) if text is not None else "")).strip()
    return _HEADER_INDEX.get(folded)


@dataclass
class RowIssue:
    row_number: int
    column: str
    code: str
    message_vi: str
    message_en: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Record:
    """One valid registry row, every string NFC-normalised."""

    row_number: int
    raw: dict[str, Any]
    registry_code: str
    product_name: str
    producer_name: str
    producer_kind: str
    tax_code: str
    address: str
    commune: str
    legacy_district: str
    province_id: int
    product_set_id: int
    stars: int
    level: str
    decision_number: str
    decision_date: datetime.date
    valid_until: datetime.date
    status: str


@dataclass
class Reference:
    """Look-up tables the parser needs, loaded once per run (no query per row)."""

    provinces: dict[str, int]  # folded short name → id
    province_codes: dict[int, int]  # administrative code → id
    sets_by_number: dict[int, int]  # 1..26 → id
    sets_by_name: dict[str, int]  # folded name (today's and 1048's) → product set id
    default_province_id: int | None = None

    @classmethod
    def load(cls, *, default_province_id: int | None = None) -> Reference:
        from marketplace.catalog.models import LegacySector, ProductSet
        from marketplace.geo.models import Province

        provinces, codes = {}, {}
        for pk, code, folded in Province.objects.values_list("pk", "code", "name_folded"):
            provinces[folded] = pk
            codes[code] = pk
        by_number, by_name = {}, {}
        for pk, number, folded in ProductSet.objects.values_list("pk", "number", "name_folded"):
            by_number[number] = pk
            by_name[folded] = pk
        for folded, set_id in LegacySector.objects.values_list("name_folded", "product_set_id"):
            by_name.setdefault(folded, set_id)
        return cls(provinces, codes, by_number, by_name, default_province_id)

    def province(self, value: str) -> int | None:
        if value.isdigit():
            return self.province_codes.get(int(value))
        folded = fold(value).replace("_", " ")
        for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
            if folded.startswith(prefix):
                folded = folded[len(prefix) :]
                break
        folded = ALIASES.get(folded, folded)
        folded = re.sub(r"\s*-\s*", " ", folded)
        if folded in self.provinces:
            return self.provinces[folded]
        new = OLD_TO_NEW.get(folded)
        return self.provinces.get(new) if new else None

    def product_set(self, value: Any) -> int | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.sets_by_number.get(int(value)) if float(value).is_integer() else None
        text = normalize_text(value)
        match = _SET_NUMBER.match(text)
        if match:
            return self.sets_by_number.get(int(match.group(1)))
        folded = fold(text)
        return self.sets_by_name.get(folded) or self.sets_by_name.get(re.sub(r"\s*-\s*", " - ", folded))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - a month always has 28 days


def text_of(value: Any) -> str:
    """A cell as NFC text: numbers from spreadsheets lose a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return normalize_text(str(value))


def parse_date(value: Any) -> datetime.date | None:
    """dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, ISO, Excel dates (cells or serial numbers). Raises ValueError if impossible."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(value)
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = normalize_text(str(value))
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return parse_date(float(text))
    raise ValueError(text)


def parse_stars(value: Any) -> int | None:
    """'3', '3 sao', '3★', '3*', 3, 3.0 → 3. None when empty; ValueError when not 1–5."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 5:
            return int(value)
        raise ValueError(value)
    text = normalize_text(str(value)).lower()
    if not text:
        return None
    match = _STARS.match(text)
    if not match or not 1 <= int(match.group(1)) <= 5:
        raise ValueError(text)
    return int(match.group(1))


def parse_kind(value: str, producer_name: str) -> str:
    folded = _PUNCT.sub(" ", fold(value)).strip()
    if folded in KINDS:
        return KINDS[folded]
    name = _PUNCT.sub(" ", fold(producer_name)).strip()
    for prefix, kind in _KIND_PREFIXES:
        if name.startswith(prefix + " ") or name == prefix:
            return kind
    return "household"


def parse_tax_code(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():  # also NaN and ±inf
            raise ValueError(value)
        text = str(int(value)).zfill(10)
    else:
        text = re.sub(r"[\s.]", "", normalize_text(value))
    if text and not _TAX.match(text):
        raise ValueError(text)
    return text


def is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def is_total_row(values: Iterable[Any]) -> bool:
    """'Tổng cộng: 37 sản phẩm', 'Total' in the first filled cell."""
    for value in values:
        text = text_of(value)
        if text:
            return bool(_TOTAL.match(fold(text)))
    return False


class HeaderError(ValueError):
    """The file has no recognisable header, or lacks required columns (nothing can be applied)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


def map_header(cells: list[Any]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if key and key not in mapping.values():
            mapping[index] = key
    return mapping


def check_required(keys: Iterable[str], *, has_default_province: bool) -> None:
    present = set(keys)
    required = [*REQUIRED, *(() if has_default_province else ("province",))]
    missing = [key for key in required if key not in present]
    if missing:
        labels = ", ".join(f"{COLUMN_LABELS.get(key, key)} ({key})" for key in missing)
        raise HeaderError(f"Thiếu cột bắt buộc: {labels}", f"Missing required columns: {labels}")


def grid_rows(rows: Iterable[list[Any]], *, has_default_province: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a sheet (title rows, header, data, total row) → (row number, {key: raw value})."""
    iterator = iter(rows)
    mapping: dict[int, str] | None = None
    header_cells: list[Any] = []
    number = 0
    for number, cells in enumerate(iterator, start=1):
        cells = list(cells)
        candidate = map_header(cells)
        if "product_name" in candidate.values() and len(candidate) >= 3:
            mapping, header_cells = candidate, cells
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if mapping is None:
        raise HeaderError(
            f"Không tìm thấy dòng tiêu đề (cột 'Tên sản phẩm') trong {HEADER_SCAN_ROWS} dòng đầu",
            f"No header row (with a 'Tên sản phẩm' / product_name column) in the first {HEADER_SCAN_ROWS} rows",
        )
    check_required(mapping.values(), has_default_province=has_default_province)
    labels = {index: text_of(header_cells[index]) or key for index, key in mapping.items()}
    for row_number, cells in enumerate(iterator, start=number + 1):
        cells = list(cells)
        if is_blank(cells) or is_total_row(cells):
            continue
        values = {key: cells[index] if index < len(cells) else None for index, key in mapping.items()}
        values["__raw__"] = (labels, cells)  # turned into a dict only if the row is quarantined
        yield row_number, values


def record_rows(
    records: Iterable[Mapping[str, Any]], *, has_default_province: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Dicts of a JSON feed (English keys or Vietnamese headers) → (position, {key: raw value})."""
    checked = False
    for position, item in enumerate(records, start=1):
        if not isinstance(item, Mapping):
            yield position, {"__raw__": {"value": _jsonable(item)}, "__invalid__": True}
            continue
        values: dict[str, Any] = {}
        for name, value in item.items():
            key = header_key(name)
            if key and key not in values:
                values[key] = value
        if not checked:
            check_required(values.keys(), has_default_province=has_default_province)
            checked = True
        values["__raw__"] = item
        yield position, values


def raw_of(values: dict[str, Any]) -> dict[str, Any]:
    """The row as it was in the file (header → value), JSON-safe, for the quarantine."""
    raw = values.get("__raw__") or {}
    if isinstance(raw, tuple):
        labels, cells = raw
        return {labels[i]: _jsonable(cells[i]) if i < len(cells) else None for i in labels}
    return {str(k): _jsonable(v) for k, v in raw.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _issue(row: int, column: str, code: str, vi: str, en: str, raw: dict[str, Any]) -> RowIssue:
    label = COLUMN_LABELS.get(column, column)
    return RowIssue(row, column, code, f"{label}: {vi}", f"{column}: {en}", raw)


def parse_values(row_number: int, values: dict[str, Any], ref: Reference) -> Record | list[RowIssue]:
    """One mapped row → a Record, or the list of everything wrong with it."""
    raw: dict[str, Any] = {}  # filled in below only when the row has issues
    if values.get("__invalid__"):
        return [
            RowIssue(
                row_number, "", "INVALID_ROW", "Dòng không phải một bản ghi", "Row is not a record", raw_of(values)
            )
        ]
    issues: list[RowIssue] = []

    def text(key: str) -> str:
        return text_of(values.get(key))

    def required(key: str, vi: str, en: str) -> str:
        value = text(key)
        if not value:
            issues.append(_issue(row_number, key, "REQUIRED", vi, en, raw))
        return value

    product_name = required("product_name", "thiếu tên sản phẩm", "product name is missing")
    producer_name = required("producer_name", "thiếu tên chủ thể", "producer name is missing")
    decision_number = required("decision_number", "thiếu số quyết định", "decision number is missing")
    for key, limit in (("product_name", 255), ("producer_name", 255), ("decision_number", 80), ("registry_code", 80)):
        if len(text(key)) > limit:
            issues.append(_issue(row_number, key, "TOO_LONG", f"dài quá {limit} ký tự", f"longer than {limit}", raw))

    try:
        stars = parse_stars(values.get("stars"))
        if stars is None:
            issues.append(_issue(row_number, "stars", "REQUIRED", "thiếu hạng sao", "star rating is missing", raw))
    except ValueError:
        stars = None
        issues.append(
            _issue(
                row_number,
                "stars",
                "INVALID_STARS",
                f"hạng sao không hợp lệ '{text('stars')}' (cần 1–5)",
                f"invalid star rating '{text('stars')}' (expected 1–5)",
                raw,
            )
        )

    decision_date = valid_until = None
    for key in ("decision_date", "valid_until"):
        try:
            parsed = parse_date(values.get(key))
        except (ValueError, OverflowError):
            parsed = None
            issues.append(
                _issue(
                    row_number,
                    key,
                    "INVALID_DATE",
                    f"ngày không tồn tại hoặc sai định dạng '{text(key)}' (dd/mm/yyyy)",
                    f"impossible or malformed date '{text(key)}' (dd/mm/yyyy)",
                    raw,
                )
            )
        else:
            if key == "decision_date":
                decision_date = parsed
                if parsed is None:
                    issues.append(
                        _issue(row_number, key, "REQUIRED", "thiếu ngày quyết định", "decision date is missing", raw)
                    )
            else:
                valid_until = parsed
    if decision_date and valid_until and valid_until <= decision_date:
        issues.append(
            _issue(
                row_number,
                "valid_until",
                "INVALID_DATE",
                "ngày hết hạn phải sau ngày quyết định",
                "expiry date must be after the decision date",
                raw,
            )
        )
    if decision_date and not valid_until:
        valid_until = add_months(decision_date, VALIDITY_MONTHS)

    province_text = text("province")
    province_id = ref.province(province_text) if province_text else ref.default_province_id
    if province_id is None:
        if province_text:
            issues.append(
                _issue(
                    row_number,
                    "province",
                    "UNKNOWN_PROVINCE",
                    f"không nhận ra tỉnh/thành phố '{province_text}'",
                    f"unknown province '{province_text}'",
                    raw,
                )
            )
        else:
            issues.append(
                _issue(row_number, "province", "REQUIRED", "thiếu tỉnh/thành phố", "province is missing", raw)
            )

    set_text = text("product_set")
    product_set_id = ref.product_set(values.get("product_set")) if set_text else None
    if product_set_id is None:
        if set_text:
            issues.append(
                _issue(
                    row_number,
                    "product_set",
                    "UNKNOWN_SET",
                    f"không nhận ra bộ sản phẩm '{set_text}'",
                    f"unknown product set '{set_text}'",
                    raw,
                )
            )
        else:
            issues.append(
                _issue(row_number, "product_set", "REQUIRED", "thiếu bộ sản phẩm", "product set is missing", raw)
            )

    level_text = _PUNCT.sub(" ", fold(text("level"))).strip()
    if level_text:
        level = LEVELS.get(level_text)
        if level is None:
            issues.append(
                _issue(
                    row_number,
                    "level",
                    "UNKNOWN_LEVEL",
                    f"không nhận ra cấp công nhận '{text('level')}'",
                    f"unknown level '{text('level')}'",
                    raw,
                )
            )
    else:
        level = "central" if stars == 5 else "province"

    status = STATUSES.get(_PUNCT.sub(" ", fold(text("status"))).strip())
    if status is None:
        issues.append(
            _issue(
                row_number,
                "status",
                "UNKNOWN_STATUS",
                f"không nhận ra trạng thái '{text('status')}'",
                f"unknown status '{text('status')}'",
                raw,
            )
        )

    try:
        tax_code = parse_tax_code(values.get("tax_code"))
    except ValueError:
        tax_code = ""
        issues.append(
            _issue(
                row_number,
                "tax_code",
                "INVALID_TAX_CODE",
                f"mã số thuế không hợp lệ '{text('tax_code')}' (10 hoặc 13 chữ số)",
                f"invalid tax code '{text('tax_code')}' (10 or 13 digits)",
                raw,
            )
        )

    if issues:
        raw.update(raw_of(values))  # every issue shares this dict
        return issues
    return Record(
        row_number=row_number,
        raw=raw,
        registry_code=text("registry_code"),
        product_name=product_name,
        producer_name=producer_name,
        producer_kind=parse_kind(text("producer_kind"), producer_name),
        tax_code=tax_code,
        address=text("address")[:255],
        commune=text("commune")[:120],
        legacy_district=text("legacy_district")[:120],
        province_id=province_id,  # type: ignore[arg-type]
        product_set_id=product_set_id,  # type: ignore[arg-type]
        stars=stars,  # type: ignore[arg-type]
        level=level,  # type: ignore[arg-type]
        decision_number=decision_number,
        decision_date=decision_date,  # type: ignore[arg-type]
        valid_until=valid_until,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
    )


@dataclass
class Parsed:
    records: list[Record]
    issues: list[RowIssue]
    rows_read: int


def parse(rows: Iterable[tuple[int, dict[str, Any]]], ref: Reference) -> Parsed:
    records: list[Record] = []
    issues: list[RowIssue] = []
    count = 0
    for row_number, values in rows:
        count += 1
        result = parse_values(row_number, values, ref)
        if isinstance(result, Record):
            records.append(result)
        else:
            issues.extend(result)
    return Parsed(records, issues, count)
