"""Public-page cache keys. Each lot URI has a version token; bumping it retires every cached page of the lot.

Pages are cached per (GTIN, lot code[, serial], version, language, Vietnam date) — the date makes a certificate
that lapses at midnight show as expired without any write.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache

PREFIX = "trace:v1"


def version_key(gtin: str, lot_code: str) -> str:
    return f"{PREFIX}:ver:{gtin}:{lot_code}"


def current_version(gtin: str, lot_code: str) -> str:
    key = version_key(gtin, lot_code)
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex[:12]
        cache.add(key, version, None)
        version = cache.get(key) or version
    return version


def page_key(gtin: str, lot_code: str, version: str, language: str, day: str, variant: str = "-") -> str:
    return f"{PREFIX}:page:{gtin}:{lot_code}:{version}:{language}:{day}:{variant}"


def invalidate(pairs: Iterable[tuple[str | None, str]]) -> int:
    """Bump the version of each (gtin, lot code). Lots whose variant has no GTIN have no public page."""
    keys = {version_key(gtin.zfill(14), code): uuid.uuid4().hex[:12] for gtin, code in pairs if gtin}
    if keys:
        cache.set_many(keys, None)
    return len(keys)
