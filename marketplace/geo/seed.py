"""Seeds provinces and communes from vietnam-provinces' bundled JSON (used by the data migration)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from marketplace.core.text import fold, normalize_text

PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


def short(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def load_divisions() -> list[dict[str, Any]]:
    data = resources.files("vietnam_provinces").joinpath("data/nested-divisions.json").read_text("utf-8")
    return json.loads(data)


def seed(Province: Any, Commune: Any) -> None:
    for item in load_divisions():
        name = normalize_text(item["name"])
        province, _ = Province.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": name,
                "short_name": short(name),
                "codename": item["codename"],
                "division_type": item["division_type"],
                "name_folded": fold(short(name)),
            },
        )
        existing = set(Commune.objects.filter(province=province).values_list("code", flat=True))
        Commune.objects.bulk_create(
            [
                Commune(
                    code=ward["code"],
                    province=province,
                    name=normalize_text(ward["name"]),
                    short_name=short(normalize_text(ward["name"])),
                    division_type=ward["division_type"],
                    name_folded=fold(short(ward["name"])),
                )
                for ward in item.get("wards", [])
                if ward["code"] not in existing
            ],
            batch_size=1000,
        )
