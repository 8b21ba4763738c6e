"""Where registry rows come from, behind one small interface: `open_source(...).fetch(etag=...)`.

Files (CSV, XLSX, JSON) and an HTTP JSON feed (paginated through `next`, with timeouts, retries with backoff
and ETag / If-None-Match). Each returns a `Fetched`: rows already mapped to canonical keys, or "not modified".
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .parsing import HeaderError, grid_rows, record_rows

FORMATS = ("csv", "xlsx", "json")
MAX_PAGES = 2000


class SourceError(Exception):
    """The source could not be read at all (nothing is applied). Bilingual message."""

    def __init__(self, message_vi: str, message_en: str, *, code: str = "UNREADABLE") -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass
class Fetched:
    rows: Iterable[tuple[int, dict[str, Any]]] = ()
    not_modified: bool = False
    etag: str = ""
    pages: int = 1
    meta: dict[str, Any] = field(default_factory=dict)


class Source:
    """One registry source. `fetch` reads everything it needs up front and raises SourceError when it cannot."""

    format: str = ""

    def __init__(self, location: str, *, has_default_province: bool = False) -> None:
        self.location = location
        self.has_default_province = has_default_province

    def fetch(self, *, etag: str = "") -> Fetched:
        raise NotImplementedError

    def _grid(self, rows: Iterable[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
        try:
            return list(grid_rows(rows, has_default_province=self.has_default_province))
        except HeaderError as exc:
            raise SourceError(exc.message_vi, exc.message_en, code="MISSING_COLUMNS")

    def _records(self, records: Iterable[Any]) -> list[tuple[int, dict[str, Any]]]:
        try:
            return list(record_rows(records, has_default_province=self.has_default_province))
        except HeaderError as exc:
            raise SourceError(exc.message_vi, exc.message_en, code="MISSING_COLUMNS")


def _read_bytes(location: str) -> bytes:
    path = Path(location)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"Không đọc được tệp {location}: {exc.strerror}", f"Cannot read file {location}: {exc}")


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("Tệp CSV không ở mã UTF-8", "CSV file is not UTF-8 text", code="WRONG_FORMAT")


def csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:4096]:
        raise SourceError("Tệp không phải CSV (dữ liệu nhị phân)", "Not a CSV file (binary data)", code="WRONG_FORMAT")
    text = decode_csv(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as exc:
        raise SourceError(f"Tệp CSV hỏng: {exc}", f"Malformed CSV: {exc}", code="WRONG_FORMAT")


def xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SourceError(
            f"Tệp không phải Excel XLSX hợp lệ: {exc}", f"Not a valid XLSX workbook: {exc}", code="WRONG_FORMAT"
        )
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def json_items(payload: Any) -> tuple[list[Any], str | None]:
    """A feed page: {"results": [...], "next": url|null}, or a bare list."""
    if isinstance(payload, list):
        return payload, None
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        nxt = payload.get("next")
        return payload["results"], nxt if isinstance(nxt, str) and nxt else None
    raise SourceError(
        'JSON không đúng dạng (cần danh sách hoặc {"results": [...], "next": ...})',
        'JSON has the wrong shape (expected a list or {"results": [...], "next": ...})',
        code="WRONG_FORMAT",
    )


def load_json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"Tệp JSON hỏng: {exc}", f"Malformed JSON: {exc}", code="WRONG_FORMAT")


class CSVSource(Source):
    format = "csv"

    def fetch(self, *, etag: str = "") -> Fetched:
        return Fetched(rows=self._grid(csv_rows(_read_bytes(self.location))))


class XLSXSource(Source):
    format = "xlsx"

    def fetch(self, *, etag: str = "") -> Fetched:
        return Fetched(rows=self._grid(xlsx_rows(_read_bytes(self.location))))


class JSONFileSource(Source):
    """A JSON file, or the first page of a feed saved to disk: a relative `next` is followed on disk too."""

    format = "json"

    def fetch(self, *, etag: str = "") -> Fetched:
        items: list[Any] = []
        path: Path | None = Path(self.location)
        pages = 0
        seen: set[Path] = set()
        while path is not None and pages < MAX_PAGES:
            seen.add(path.resolve())
            page, nxt = json_items(load_json(_read_bytes(str(path))))
            items.extend(page)
            pages += 1
            path = path.parent / nxt if nxt and "://" not in nxt else None
            if path is not None and path.resolve() in seen:
                raise SourceError("Trang 'next' lặp vòng", "The 'next' pages loop", code="WRONG_FORMAT")
        return Fetched(rows=self._records(items), pages=pages)


def http_session() -> requests.Session:
    retry = Retry(
        total=settings.REGISTRY_HTTP_RETRIES,
        connect=settings.REGISTRY_HTTP_RETRIES,
        read=settings.REGISTRY_HTTP_RETRIES,
        status=settings.REGISTRY_HTTP_RETRIES,
        backoff_factor=settings.REGISTRY_HTTP_BACKOFF,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "ocop-market-registry-sync/1"
    return session


class HTTPSource(Source):
    """An HTTP registry: a paginated JSON feed (`results` + `next`), or a CSV/XLSX/JSON document at a URL."""

    format = "json"

    def __init__(self, location: str, *, has_default_province: bool = False, format: str | None = None) -> None:
        super().__init__(location, has_default_province=has_default_province)
        self.forced_format = format

    def _get(self, session: requests.Session, url: str, headers: dict[str, str]) -> requests.Response:
        timeout = (settings.REGISTRY_HTTP_CONNECT_TIMEOUT, settings.REGISTRY_HTTP_READ_TIMEOUT)
        try:
            response = session.get(url, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            raise SourceError(f"Không tải được {url}: {exc}", f"Cannot fetch {url}: {exc}", code="UNREACHABLE")
        if response.status_code not in (200, 304):
            raise SourceError(
                f"Máy chủ sổ đăng ký trả lỗi HTTP {response.status_code} cho {url}",
                f"Registry server answered HTTP {response.status_code} for {url}",
                code="UNREACHABLE",
            )
        return response

    def fetch(self, *, etag: str = "") -> Fetched:
        session = http_session()
        try:
            headers = {"If-None-Match": etag} if etag else {}
            first = self._get(session, self.location, headers)
            if first.status_code == 304:
                return Fetched(not_modified=True, etag=etag, pages=0)
            new_etag = first.headers.get("ETag", "")
            fmt = self.forced_format or guess_format(self.location, first.headers.get("Content-Type", ""))
            if fmt == "csv":
                return Fetched(rows=self._grid(csv_rows(first.content)), etag=new_etag)
            if fmt == "xlsx":
                return Fetched(rows=self._grid(xlsx_rows(first.content)), etag=new_etag)
            items, nxt = json_items(load_json(first.content))
            pages, seen, url = 1, {self.location}, self.location
            while nxt:
                url = urljoin(url, nxt)
                if url in seen or pages >= MAX_PAGES:
                    raise SourceError("Trang 'next' lặp vòng", "The 'next' pages loop", code="WRONG_FORMAT")
                seen.add(url)
                page, nxt = json_items(load_json(self._get(session, url, {}).content))
                items.extend(page)
                pages += 1
            return Fetched(rows=self._records(items), etag=new_etag, pages=pages)
        finally:
            session.close()


def guess_format(location: str, content_type: str = "") -> str | None:
    content_type = content_type.lower()
    if "csv" in content_type:
        return "csv"
    if "spreadsheet" in content_type or "excel" in content_type:
        return "xlsx"
    if "json" in content_type:
        return "json"
    suffix = Path(urlparse(location).path).suffix.lower()
    return {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}.get(suffix)


def is_url(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https")


def open_source(location: str, *, format: str | None = None, has_default_province: bool = False) -> Source:
    """The Source for a path or an http(s) URL; the format is guessed from the extension when not given."""
    if format and format not in FORMATS:
        raise SourceError(
            f"Định dạng không hỗ trợ '{format}' (csv, xlsx, json)",
            f"Unsupported format '{format}' (csv, xlsx, json)",
            code="WRONG_FORMAT",
        )
    if is_url(location):
        return HTTPSource(location, has_default_province=has_default_province, format=format)
    fmt = format or guess_format(location)
    classes = {"csv": CSVSource, "xlsx": XLSXSource, "json": JSONFileSource}
    if fmt not in classes:
        raise SourceError(
            f"Không đoán được định dạng của {location}; dùng --format csv|xlsx|json",
            f"Cannot tell the format of {location}; pass --format csv|xlsx|json",
            code="WRONG_FORMAT",
        )
    return classes[fmt](location, has_default_province=has_default_province)
