"""Home delivery priced per producer parcel: weight band × zone (same province / same region / far).

Regions by the 2025 province codes: North (≤ 37), Centre and Central Highlands (38–68), South (≥ 75).
The table lives in settings (SHIPPING_WEIGHT_BANDS, SHIPPING_EXTRA_PER_KG, SHIPPING_FREE_THRESHOLD).
"""

from __future__ import annotations

from django.conf import settings

LOCAL, REGION, FAR = "local", "region", "far"


def region_of(province_code: int) -> str:
    if province_code <= 37:
        return "north"
    if province_code <= 68:
        return "central"
    return "south"


def zone(origin_province_code: int, destination_province_code: int) -> str:
    if origin_province_code == destination_province_code:
        return LOCAL
    if region_of(origin_province_code) == region_of(destination_province_code):
        return REGION
    return FAR


def parcel_price(*, weight_grams: int, subtotal: int, origin_province_code: int, destination_province_code: int) -> int:
    """Shipping for one producer's parcel in đồng (0 from the free-shipping threshold up)."""
    if subtotal >= settings.SHIPPING_FREE_THRESHOLD:
        return 0
    z = zone(origin_province_code, destination_province_code)
    bands = settings.SHIPPING_WEIGHT_BANDS
    for limit, prices in bands:
        if weight_grams <= limit:
            return int(prices[z])
    last_limit, last_prices = bands[-1]
    extra_kg = -(-(weight_grams - last_limit) // 1000)
    return int(last_prices[z]) + extra_kg * int(settings.SHIPPING_EXTRA_PER_KG[z])
