"""Public-page cache and scan buffer.

Each lot URI (GTIN, lot code) has a version token; bumping it retires every cached page of the lot. A cached page is
stored as `version\\nlot_id\\nhtml` under a key without the version, so the warm path is ONE Redis round trip: a
pipeline of GET version, GET page and RPUSH of the scan entry. Keys also carry the language and the Vietnam date (a
certificate that lapses at midnight shows as expired without any write).

With Redis (REDIS_URL) a raw client is used (Django's cache client is rebuilt per call and pickles values); without
it, Django's local-memory cache stands in and scans are written directly.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

SCHEMA = "trace:v2"


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{SCHEMA}"


@functools.cache
def _client_for(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def redis_client() -> Any | None:
    return _client_for(settings.REDIS_URL) if settings.REDIS_URL else None


def version_key(gtin: str, lot_code: str) -> str:
    return f"{_prefix()}:ver:{gtin}:{lot_code}"


def page_key(gtin: str, lot_code: str, language: str, day: str, variant: str = "-") -> str:
    return f"{_prefix()}:page:{gtin}:{lot_code}:{language}:{day}:{variant}"


def scan_buffer_key() -> str:
    return f"{_prefix()}:scanbuf"


def _version_ttl() -> int:
    # Versions may lapse (a lapsed one just means a re-render), so junk codes cannot fill Redis with keys.
    return max(2 * settings.TRACEABILITY_PAGE_TTL, 3600)


def _new_version() -> bytes:
    return uuid.uuid4().hex[:12].encode()


# Per-process copies of hot pages, trusted for TRACEABILITY_LOCAL_TTL seconds without asking Redis. Writes in this
# process clear it at once; other workers see a change within that many seconds.
_local: dict[str, tuple[float, tuple[int, str]]] = {}
LOCAL_MAX = 2048


def _local_get(key: str) -> tuple[int, str] | None:
    hit = _local.get(key)
    if hit is None:
        return None
    if hit[0] < time.monotonic():
        _local.pop(key, None)
        return None
    return hit[1]


def _local_put(key: str, value: tuple[int, str]) -> None:
    ttl = settings.TRACEABILITY_LOCAL_TTL
    if ttl <= 0:
        return
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = (time.monotonic() + ttl, value)


def lookup_local(gtin: str, lot_code: str, language: str, day: str, variant: str = "-") -> tuple[int, str] | None:
    if settings.TRACEABILITY_LOCAL_TTL <= 0:
        return None
    return _local_get(page_key(gtin, lot_code, language, day, variant))


def lookup(
    gtin: str, lot_code: str, language: str, day: str, variant: str = "-", scan: bytes | None = None
) -> tuple[bytes, tuple[int, str] | None, bool]:
    """(version, (lot_id, html) or None, scan_pushed). With Redis, one round trip also buffers the scan entry."""
    vkey, pkey = version_key(gtin, lot_code), page_key(gtin, lot_code, language, day, variant)
    client = redis_client()
    pushed = False
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.get(vkey)
        pipe.get(pkey)
        if scan is not None and settings.TRACEABILITY_SCAN_BUFFER:
            pipe.rpush(scan_buffer_key(), scan)
            pushed = True
        results = pipe.execute()
        version, payload = results[0], results[1]
        if version is None:
            version = _new_version()
            client.set(vkey, version, nx=True, ex=_version_ttl())
            version = client.get(vkey) or version
    else:
        found = cache.get_many([vkey, pkey])
        version, payload = found.get(vkey), found.get(pkey)
        if version is None:
            cache.add(vkey, _new_version(), _version_ttl())
            version = cache.get(vkey)
    if payload:
        head_version, lot_id, html = payload.split(b"\n", 2)
        if head_version == version:
            value = (int(lot_id), html.decode())
            _local_put(pkey, value)
            return version, value, pushed
    return version, None, pushed


def store(
    gtin: str, lot_code: str, language: str, day: str, version: bytes, lot_id: int, html: str, variant: str = "-"
) -> None:
    key = page_key(gtin, lot_code, language, day, variant)
    _local_put(key, (lot_id, html))
    value = version + b"\n" + str(lot_id).encode() + b"\n" + html.encode()
    client = redis_client()
    if client is not None:
        client.set(key, value, ex=settings.TRACEABILITY_PAGE_TTL)
    else:
        cache.set(key, value, settings.TRACEABILITY_PAGE_TTL)


def invalidate(pairs: Iterable[tuple[str | None, str]]) -> int:
    """Bump the version of each (gtin, lot code). Lots whose variant has no GTIN have no public page."""
    keys = {version_key(gtin.zfill(14), code): _new_version() for gtin, code in pairs if gtin}
    if not keys:
        return 0
    _local.clear()
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key, value in keys.items():
            pipe.set(key, value, ex=_version_ttl())
        pipe.execute()
    else:
        cache.set_many(keys, _version_ttl())
    return len(keys)
