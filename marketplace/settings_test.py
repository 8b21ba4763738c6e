"""Test settings: the real settings, plus a throwaway secret and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")

from marketplace.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# A placeholder receiving account, as the DEBUG demo has (production sets real ones or offers no bank transfer).
BANK_TRANSFER_BIN = os.environ.get("BANK_TRANSFER_BIN", "970436")
BANK_TRANSFER_ACCOUNT = os.environ.get("BANK_TRANSFER_ACCOUNT", "0011000000000")
BANK_TRANSFER_ACCOUNT_NAME = os.environ.get("BANK_TRANSFER_ACCOUNT_NAME", "HTX OCOP MARKET")
