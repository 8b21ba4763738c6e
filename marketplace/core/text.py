"""Vietnamese text: NFC storage, folding for search (case, diacritics, đ→d), slugs.

Folding uses anyascii (ISC) rather than NFD stripping, because NFD leaves 'Đ' as it is.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def normalize_text(value: str | None) -> str:
    """NFC, trimmed, inner runs of white space (incl. line breaks, NBSP) collapsed to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """A search key: 'NƯỚC MẮM Đông Sơn' → 'nuoc mam dong son'. Same result for NFC and NFD input."""
    text = normalize_text(value)
    if not text:
        return ""
    return _SPACES.sub(" ", anyascii(text).lower()).strip()


def slugify_vi(value: str, *, max_length: int = 80) -> str:
    """'Nước mắm Ba Làng' → 'nuoc-mam-ba-lang'."""
    slug = _NON_SLUG.sub("-", fold(value)).strip("-")
    return slug[:max_length].rstrip("-") or "item"
