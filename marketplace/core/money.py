"""Money is an integer number of đồng. VND has no minor unit; Stripe treats it as zero-decimal."""

from __future__ import annotations

from babel.numbers import format_currency

CURRENCY = "VND"


def format_vnd(amount: int, locale: str = "vi") -> str:
    """250000 → '250.000 ₫' (vi) or '₫250,000' (en)."""
    babel_locale = "vi_VN" if locale.startswith("vi") else "en_US"
    return format_currency(int(amount), CURRENCY, locale=babel_locale)


def percent_of(amount: int, rate_basis_points: int) -> int:
    """Share of `amount` at a rate in basis points (1 % = 100), rounded half up to the đồng."""
    return (int(amount) * int(rate_basis_points) + 5_000) // 10_000
