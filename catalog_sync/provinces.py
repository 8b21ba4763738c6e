"""The 63 provinces before 1 July 2025 → the 34 of Nghị quyết 202/2025/QH15 (12/6/2025).

Keys and values are folded names (core.text.fold, without "tỉnh"/"thành phố"). The 11 provinces that were
not merged (Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An, Hà Tĩnh,
Cao Bằng) map to themselves.
"""

from __future__ import annotations

# new province (folded) → the pre-2025 provinces merged into it (folded)
MERGED_INTO: dict[str, tuple[str, ...]] = {
    "ha noi": ("ha noi",),
    "hue": ("thua thien hue", "hue"),
    "lai chau": ("lai chau",),
    "dien bien": ("dien bien",),
    "son la": ("son la",),
    "lang son": ("lang son",),
    "quang ninh": ("quang ninh",),
    "thanh hoa": ("thanh hoa",),
    "nghe an": ("nghe an",),
    "ha tinh": ("ha tinh",),
    "cao bang": ("cao bang",),
    "tuyen quang": ("tuyen quang", "ha giang"),
    "lao cai": ("lao cai", "yen bai"),
    "thai nguyen": ("thai nguyen", "bac kan"),
    "phu tho": ("phu tho", "vinh phuc", "hoa binh"),
    "bac ninh": ("bac ninh", "bac giang"),
    "hung yen": ("hung yen", "thai binh"),
    "hai phong": ("hai phong", "hai duong"),
    "ninh binh": ("ninh binh", "ha nam", "nam dinh"),
    "quang tri": ("quang tri", "quang binh"),
    "da nang": ("da nang", "quang nam"),
    "quang ngai": ("quang ngai", "kon tum"),
    "gia lai": ("gia lai", "binh dinh"),
    "khanh hoa": ("khanh hoa", "ninh thuan"),
    "lam dong": ("lam dong", "dak nong", "binh thuan"),
    "dak lak": ("dak lak", "phu yen"),
    "ho chi minh": ("ho chi minh", "binh duong", "ba ria vung tau"),
    "dong nai": ("dong nai", "binh phuoc"),
    "tay ninh": ("tay ninh", "long an"),
    "can tho": ("can tho", "soc trang", "hau giang"),
    "vinh long": ("vinh long", "ben tre", "tra vinh"),
    "dong thap": ("dong thap", "tien giang"),
    "ca mau": ("ca mau", "bac lieu"),
    "an giang": ("an giang", "kien giang"),
}

# Spellings seen in decisions for the same provinces.
ALIASES: dict[str, str] = {
    "tp ho chi minh": "ho chi minh",
    "tp hcm": "ho chi minh",
    "hcm": "ho chi minh",
    "sai gon": "ho chi minh",
    "ba ria - vung tau": "ba ria vung tau",
    "ba ria-vung tau": "ba ria vung tau",
    "dak nong": "dak nong",
    "dac lac": "dak lak",
    "dak lac": "dak lak",
    "thua thien - hue": "thua thien hue",
}

OLD_TO_NEW: dict[str, str] = {old: new for new, olds in MERGED_INTO.items() for old in olds}

assert len(MERGED_INTO) == 34
assert len({old for olds in MERGED_INTO.values() for old in olds} - {"hue"}) == 63
