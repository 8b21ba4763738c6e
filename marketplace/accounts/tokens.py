"""API bearer tokens: signed, expiring, and void once the password changes (the session hash is inside)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

SALT = "ocop.api-token"


def issue_token(user) -> str:
    return signing.dumps({"uid": user.pk, "h": user.get_session_auth_hash()[:16]}, salt=SALT, compress=True)


def user_for_token(token: str):
    """The active user a token names, or None when it is forged, expired or outdated."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.API_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("uid"), is_active=True).first()
    if user is None or user.get_session_auth_hash()[:16] != data.get("h"):
        return None
    return user
