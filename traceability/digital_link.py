"""GS1 Digital Link URIs for OCOP lots and serialised units: strict parsing, validation and building.

Rules (GS1 Digital Link URI Syntax 1.2 + the GS1 Syntax Engine's stricter defaults, see
docs in /work/shared/standards/traceability.md §1):
- primary key AI 01 (GTIN) with 14 digits and a valid mod-10 check digit; 8/12/13-digit forms are accepted
  on input but reported as non-canonical so the resolver can redirect to the 14-digit form;
- key qualifiers 22 → 10 → 21 in that order, each at most once (they may be skipped, never reordered);
- AI values use GS1 character set 82, no empty values; lot (10) and serial (21) X..20, CPV (22) X..20;
- data attributes in the query string: numeric keys must be known attributes (17 expiry YYMMDD, day 00 allowed,
  11 production, 15 best-before, 16 sell-by, 13 packaging), no duplicates, no key qualifier in the query;
  non-numeric keys (linkType, lang, s, k, context) are extensions and ignored here.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from django.utils.translation import get_language

# GS1 AI encodable character set 82 (no space).
CSET82 = re.compile(r"^[A-Za-z0-9!\"%&'()*+,\-./:;<=>?_]+$")
QUALIFIER_ORDER = ("22", "10", "21")
QUALIFIER_MAX_LENGTH = {"22": 20, "10": 20, "21": 20}
DATE_ATTRIBUTES = {"11", "13", "15", "16", "17"}
ALLOWED_ATTRIBUTES = DATE_ATTRIBUTES
GTIN_LENGTHS = {8, 12, 13, 14}
URI_SAFE = "-._~"  # unreserved; everything else outside A–Z a–z 0–9 is percent-encoded


class DigitalLinkError(ValueError):
    """The URI is not a valid GS1 Digital Link for a GTIN. `message` says what is wrong (English + Vietnamese)."""

    def __init__(self, message: str, message_vi: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.message_vi = message_vi or message

    def localized(self) -> str:
        """The message in the active language: Vietnamese unless English was asked for."""
        return self.message if (get_language() or "vi").startswith("en") else self.message_vi


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # always 14 digits
    cpv: str | None = None
    lot: str | None = None
    serial: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)
    canonical: bool = True  # False when the input used a GTIN-8/12/13 or a trailing slash

    @property
    def expiry(self) -> datetime.date | None:
        value = self.attributes.get("17")
        return parse_yymmdd(value) if value else None

    def path(self) -> str:
        return build_path(self.gtin, cpv=self.cpv, lot=self.lot, serial=self.serial)


def gs1_check_digit(payload: str) -> int:
    """Mod-10 check digit for the digits before it (GTIN, GLN, SSCC): weights 3,1,3,… from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    return (
        value.isascii()
        and value.isdigit()
        and len(value) in GTIN_LENGTHS
        and gs1_check_digit(value[:-1]) == int(value[-1])
    )


def is_valid_gln(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) == 13 and gs1_check_digit(value[:-1]) == int(value[-1])


def normalize_gtin(value: str) -> str:
    """A valid GTIN-8/12/13/14 as 14 digits; DigitalLinkError otherwise."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        raise DigitalLinkError(f"GTIN '{value}' must contain digits only.", f"GTIN '{value}' chỉ gồm chữ số.")
    if len(value) not in GTIN_LENGTHS:
        raise DigitalLinkError(
            f"GTIN '{value}' must have 8, 12, 13 or 14 digits (has {len(value)}).",
            f"GTIN '{value}' phải có 8, 12, 13 hoặc 14 chữ số (có {len(value)}).",
        )
    if gs1_check_digit(value[:-1]) != int(value[-1]):
        expected = gs1_check_digit(value[:-1])
        raise DigitalLinkError(
            f"GTIN '{value}' has a wrong check digit (expected {expected}).",
            f"GTIN '{value}' sai số kiểm tra (phải là {expected}).",
        )
    return value.zfill(14)


def with_check_digit(payload: str) -> str:
    return payload + str(gs1_check_digit(payload))


def validate_ai_value(ai: str, value: str) -> str:
    """Check an AI 10/21/22 value: non-empty, character set 82, length. Returns the value."""
    label = {"10": "lot (AI 10)", "21": "serial (AI 21)", "22": "CPV (AI 22)"}.get(ai, f"AI {ai}")
    if value == "":
        raise DigitalLinkError(f"The {label} value is empty.", f"Giá trị {label} bị trống.")
    if "\x00" in value or not CSET82.match(value):
        raise DigitalLinkError(
            f"The {label} value '{value}' has characters outside the GS1 character set 82.",
            f"Giá trị {label} '{value}' có ký tự ngoài bộ ký tự GS1 (CSET 82).",
        )
    limit = QUALIFIER_MAX_LENGTH.get(ai, 20)
    if len(value) > limit:
        raise DigitalLinkError(
            f"The {label} value is longer than {limit} characters.",
            f"Giá trị {label} dài quá {limit} ký tự.",
        )
    return value


def parse_yymmdd(value: str) -> datetime.date:
    """GS1 date YYMMDD; day 00 means the last day of the month. Years 00–49 → 20xx, 50–99 → 19xx (simplified)."""
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise DigitalLinkError(f"Date '{value}' must be YYMMDD.", f"Ngày '{value}' phải theo dạng YYMMDD.")
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    year = 2000 + yy if yy < 50 else 1900 + yy
    if not 1 <= mm <= 12:
        raise DigitalLinkError(f"Date '{value}' has month {mm:02d}.", f"Ngày '{value}' có tháng {mm:02d} không hợp lệ.")
    last = calendar.monthrange(year, mm)[1]
    if dd == 0:
        dd = last
    if dd > last:
        raise DigitalLinkError(f"Date '{value}' has day {dd:02d}.", f"Ngày '{value}' có ngày {dd:02d} không hợp lệ.")
    return datetime.date(year, mm, dd)


def expiry_matches(printed: str, registered: datetime.date | None) -> bool:
    """Does the printed AI 17 value (YYMMDD, already validated) agree with the lot's registered expiry date?

    Day 00 means "day not given": then the year and month must agree. A printed date on a lot registered without
    one does not agree.
    """
    if registered is None:
        return False
    date = parse_yymmdd(printed)
    if printed.endswith("00"):
        return (date.year, date.month) == (registered.year, registered.month)
    return date == registered


def format_yymmdd(value: datetime.date) -> str:
    return value.strftime("%y%m%d")


def _split_query(query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (query or "").split("&"):
        if not part:
            continue  # stray '&' is ignored
        if "=" not in part:
            continue  # singletons are ignored
        key, value = part.split("=", 1)
        # In the query a '+' is a space (and a space is outside CSET 82, so an AI value with it fails).
        pairs.append((unquote(key.replace("+", " ")), unquote(value.replace("+", " "))))
    return pairs


def parse(path: str, query: str = "") -> DigitalLink:
    """Parse the path (percent-encoded, starting with /01/) and the raw query string of a DL URI."""
    path = path.split("#", 1)[0]
    canonical = True
    if path.endswith("/") and path != "/":
        path = path.rstrip("/")
        canonical = False
    for bad in "<>{}\\^`":
        if bad in path:
            raise DigitalLinkError(f"The URI contains the character '{bad}'.", f"URI chứa ký tự '{bad}' không hợp lệ.")
    if "%00" in path or "%00" in (query or ""):
        raise DigitalLinkError("The URI contains %00.", "URI chứa %00.")
    raw_segments = list(path.split("/"))
    if raw_segments and raw_segments[0] == "":
        raw_segments = raw_segments[1:]
    segments = [unquote(s) for s in raw_segments]
    # The rightmost primary key wins; we only serve GTINs, so find the last '01'.
    key_positions = [i for i in range(0, len(segments) - 1) if segments[i] == "01"]
    if not key_positions:
        raise DigitalLinkError("The URI has no GTIN (AI 01) key.", "URI không có khóa GTIN (AI 01).")
    start = key_positions[-1]
    rest = segments[start:]
    if len(rest) % 2:
        raise DigitalLinkError(
            "The path must alternate AI and value (/01/<GTIN>/10/<lot>).",
            "Đường dẫn phải xen kẽ mã AI và giá trị (/01/<GTIN>/10/<lô>).",
        )
    gtin_in = rest[1]
    gtin = normalize_gtin(gtin_in)
    if len(gtin_in) != 14:
        canonical = False
    values: dict[str, str] = {}
    last_index = -1
    for i in range(2, len(rest), 2):
        ai, value = rest[i], rest[i + 1]
        if ai not in QUALIFIER_ORDER:
            raise DigitalLinkError(
                f"'{ai}' is not a key qualifier of a GTIN (allowed: 22, 10, 21).",
                f"'{ai}' không phải thuộc tính định danh của GTIN (chỉ 22, 10, 21).",
            )
        index = QUALIFIER_ORDER.index(ai)
        if ai in values:
            raise DigitalLinkError(f"AI {ai} appears twice.", f"AI {ai} xuất hiện hai lần.")
        if index < last_index:
            raise DigitalLinkError(
                "Key qualifiers are out of order: they must come as 22, then 10, then 21.",
                "Sai thứ tự: thuộc tính phải theo thứ tự 22, 10, 21.",
            )
        last_index = index
        values[ai] = validate_ai_value(ai, value)
    attributes: dict[str, str] = {}
    extensions: dict[str, str] = {}
    for key, value in _split_query(query):
        if key.isdigit():
            if key in QUALIFIER_ORDER or key == "235":
                raise DigitalLinkError(
                    f"AI {key} is a key qualifier: it belongs in the path, not the query string.",
                    f"AI {key} phải nằm trong đường dẫn, không nằm trong chuỗi truy vấn.",
                )
            if key not in ALLOWED_ATTRIBUTES:
                raise DigitalLinkError(
                    f"AI {key} is not a data attribute this resolver accepts.",
                    f"AI {key} không phải thuộc tính dữ liệu được chấp nhận.",
                )
            if key in attributes:
                raise DigitalLinkError(f"AI {key} appears twice.", f"AI {key} xuất hiện hai lần.")
            if value == "":
                raise DigitalLinkError(f"AI {key} has an empty value.", f"AI {key} có giá trị trống.")
            if key in DATE_ATTRIBUTES:
                parse_yymmdd(value)
            attributes[key] = value
        else:
            extensions.setdefault(key, value)
    return DigitalLink(
        gtin=gtin,
        cpv=values.get("22"),
        lot=values.get("10"),
        serial=values.get("21"),
        attributes=attributes,
        extensions=extensions,
        canonical=canonical,
    )


def parse_uri(uri: str) -> DigitalLink:
    """Parse a full URI (any domain) such as https://example.vn/01/08936012345674/10/L1?17=270630."""
    match = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?(?P<path>/[^?#]*)(?:\?(?P<query>[^#]*))?", uri or "")
    if not match:
        raise DigitalLinkError(f"'{uri}' is not a URI with a path.", f"'{uri}' không phải URI hợp lệ.")
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme and scheme not in {"http", "https", "HTTP", "HTTPS"}:
        raise DigitalLinkError(f"Scheme '{scheme}' is not http or https.", f"Giao thức '{scheme}' không hợp lệ.")
    return parse(match.group("path"), match.group("query") or "")


def _q(value: str) -> str:
    return quote(value, safe=URI_SAFE)


def build_path(gtin: str, *, cpv: str | None = None, lot: str | None = None, serial: str | None = None) -> str:
    parts = ["", "01", normalize_gtin(gtin)]
    if cpv:
        parts += ["22", _q(validate_ai_value("22", cpv))]
    if lot:
        parts += ["10", _q(validate_ai_value("10", lot))]
    if serial:
        parts += ["21", _q(validate_ai_value("21", serial))]
    return "/".join(parts)


def build_uri(
    base: str,
    gtin: str,
    *,
    lot: str | None = None,
    serial: str | None = None,
    expiry: datetime.date | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """Canonical URI on our domain: base + /01/<gtin14>[/10/<lot>][/21/<serial>][?17=YYMMDD][&s=…]."""
    uri = base.rstrip("/") + build_path(gtin, lot=lot, serial=serial)
    query = []
    if expiry:
        query.append(f"17={format_yymmdd(expiry)}")
    for key, value in (extra or {}).items():
        query.append(f"{_q(key)}={_q(value)}")
    return uri + ("?" + "&".join(query) if query else "")
