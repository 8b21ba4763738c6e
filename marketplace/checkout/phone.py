"""Vietnamese phone numbers: 10 national digits, written 0XXXXXXXXX or +84XXXXXXXXX.

Mobile prefixes since the 2018 renumbering: 032–039, 052/055/056/058/059, 070/076–079, 081–089, 090–094, 096–099.
Landlines since 2017: 02 + area code + subscriber number, 10 digits in all.
"""

from __future__ import annotations

import re

MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")
LANDLINE = re.compile(r"^02\d{8}$")


def normalize_phone(raw: str) -> str | None:
    """'+84 912 345 678' / '0912.345.678' → '0912345678'; None when it is not a valid Vietnamese number."""
    text = re.sub(r"[\s.\-()]", "", raw or "")
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if MOBILE.match(text) or LANDLINE.match(text):
        return text
    return None
