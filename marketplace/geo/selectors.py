"""Reads of administrative units."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.core.text import fold
from marketplace.geo.models import Commune, Province


def provinces() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def communes_of(province: Province) -> QuerySet[Commune]:
    return Commune.objects.filter(province=province).order_by("name")


def find_province(name_or_code: str) -> Province | None:
    """'Thanh Hóa', 'Tỉnh Thanh Hóa', 'thanh hoa', 'thanh_hoa' or '38' → the province."""
    text = (name_or_code or "").strip()
    if text.isdigit():
        return Province.objects.filter(code=int(text)).first()
    folded = fold(text.replace("_", " "))
    for prefix in ("tinh ", "thanh pho "):
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    return Province.objects.filter(name_folded=folded).first()


def find_commune(province: Province, name_or_code: str) -> Commune | None:
    text = (name_or_code or "").strip()
    if text.isdigit():
        return Commune.objects.filter(province=province, code=int(text)).first()
    folded = fold(text)
    for prefix in ("xa ", "phuong ", "dac khu "):
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    return Commune.objects.filter(province=province, name_folded=folded).first()
