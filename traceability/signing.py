"""Short HMAC tags for serialised units (`?s=` on the QR URI) and hashed coarse client info for the scan log.

Keys are derived from SECRET_KEY with a purpose salt, so rotating SECRET_KEY invalidates printed tags: set
TRACEABILITY_TAG_KEY to keep tags stable across SECRET_KEY rotations.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress

from django.conf import settings

TAG_LENGTH = 10  # base64url characters = 60 bits: enough against guessing, short enough for the QR


@functools.lru_cache(maxsize=16)
def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"ocop.traceability.{purpose}".encode(), hashlib.sha256).digest()


def _key(purpose: str) -> bytes:
    return _derive(getattr(settings, "TRACEABILITY_TAG_KEY", "") or settings.SECRET_KEY, purpose)


def serial_tag(gtin: str, serial: str) -> str:
    mac = hmac.new(_key("serial-tag"), f"{gtin}|{serial}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:TAG_LENGTH]


def verify_serial_tag(gtin: str, serial: str, tag: str | None) -> bool:
    if not tag:
        return False
    return hmac.compare_digest(serial_tag(gtin, serial).encode(), tag.encode()[: TAG_LENGTH + 1])


def coarse_client_hash(ip: str, user_agent: str, day: str) -> str:
    """HMAC of the /24 (IPv4) or /48 (IPv6) network, the user agent and the day: repeat visits group, IPs don't show."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
        prefix = 24 if address.version == 4 else 48
        network = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    except ValueError:
        network = "?"
    message = f"{network}|{(user_agent or '')[:120]}|{day}".encode()
    return hmac.new(_key("client"), message, hashlib.sha256).hexdigest()[:32]
