"""Vietnamese first, English second, across the whole product.

Language selection has no URL prefix (no i18n_patterns): LocaleMiddleware picks the language from the
`django_language` cookie that POST /i18n/setlang/ sets, else from Accept-Language, else LANGUAGE_CODE ("vi").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.utils import translation
from graphql_relay import to_global_id

from tests.factories import UserFactory
from tests.marketplace.checkout.conftest import listed_variant

# Letters only Vietnamese uses (lower and upper case); plain accents like é are left out on purpose.
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàảãạằẳẵặầẩẫậèẻẽẹềểễệìỉĩịòỏõọồổỗộờởỡợùủũụừửữựỳỷỹỵ]", re.IGNORECASE)

# A language is offered under its own name in every language.
ENDONYMS = {"Tiếng Việt"}

REGISTER = """mutation($email: String!, $password: String!) {
  accountRegister(email: $email, password: $password) { errors { field code message } } }"""
CREATE = """mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id } errors { field code message } } }"""
EMAIL = """mutation($id: ID!, $email: String!) {
  checkoutEmailUpdate(id: $id, email: $email) { errors { field code message } } }"""


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def catalogs() -> list[Path]:
    """Every English catalog in the repository: the root one and any app's own (traceability keeps its own)."""
    base = Path(settings.BASE_DIR)
    found = [p for p in base.glob("**/locale/en/LC_MESSAGES/django.po") if not p.is_relative_to(base / ".venv")]
    return sorted(found)


# --- GraphQL errors from services follow the request's language -------------------------------------------------


@pytest.mark.django_db
def test_account_register_errors_in_vietnamese_by_default_and_english_on_request(gql) -> None:
    UserFactory(email="taken@example.com")
    variables = {"email": "taken@example.com", "password": "mat-ong-rung-2026"}

    errors = gql.execute(REGISTER, variables)["accountRegister"]["errors"]
    assert errors == [{"field": "email", "code": "UNIQUE", "message": "Đã có tài khoản dùng e-mail này."}]

    gql.headers["Accept-Language"] = "en"
    errors = gql.execute(REGISTER, variables)["accountRegister"]["errors"]
    assert errors == [{"field": "email", "code": "UNIQUE", "message": "An account with this e-mail already exists."}]


@pytest.mark.django_db
def test_checkout_errors_follow_accept_language(gql) -> None:
    variant = listed_variant(stock=3)
    lines = [{"variantId": to_global_id("ProductVariant", variant.pk), "quantity": 4}]

    gql.headers["Accept-Language"] = "en-GB,en;q=0.9"
    errors = gql.execute(CREATE, {"input": {"email": "an@example.com", "lines": lines}})["checkoutCreate"]["errors"]
    assert [e["code"] for e in errors] == ["INSUFFICIENT_STOCK"]
    assert errors[0]["message"] == "Only 3 left (4 wanted)."

    gql.headers["Accept-Language"] = "vi"
    errors = gql.execute(CREATE, {"input": {"email": "an@example.com", "lines": lines}})["checkoutCreate"]["errors"]
    assert errors[0]["message"] == "Chỉ còn 3 sản phẩm (cần 4)."

    lines[0]["quantity"] = 1
    checkout_id = gql.execute(CREATE, {"input": {"email": "an@example.com", "lines": lines}})["checkoutCreate"][
        "checkout"
    ]["id"]
    del gql.headers["Accept-Language"]
    errors = gql.execute(EMAIL, {"id": checkout_id, "email": "not-an-email"})["checkoutEmailUpdate"]["errors"]
    assert errors[0]["message"] == "Địa chỉ e-mail không hợp lệ."
    gql.headers["Accept-Language"] = "en"
    errors = gql.execute(EMAIL, {"id": checkout_id, "email": "not-an-email"})["checkoutEmailUpdate"]["errors"]
    assert errors[0]["message"] == "Enter a valid e-mail address."


@pytest.mark.django_db
def test_permission_errors_are_translated_at_call_time() -> None:
    # Built when raised, not at import: the active language of the request applies.
    from marketplace.core.errors import PermissionDeniedError
    from marketplace.core.permissions import require_authenticated

    with translation.override("en"):
        assert PermissionDeniedError().message == "You do not have permission to do this."
        with pytest.raises(PermissionDeniedError, match=r"^Sign in first\.$"):
            require_authenticated(None)
    with translation.override("vi"):
        assert PermissionDeniedError().message == "Bạn không có quyền làm việc này."


# --- Admin: Vietnamese by default, English after /i18n/setlang/ or with Accept-Language ---------------------------


@pytest.fixture
def office_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_index_in_vietnamese_by_default(office_client) -> None:
    html = office_client.get("/admin/").content.decode()
    for name in ("Danh mục sản phẩm", "Chủ thể OCOP", "Truy xuất nguồn gốc", "Đồng bộ sổ đăng ký OCOP"):
        assert name in html
    assert 'lang="vi"' in html


@pytest.mark.django_db
def test_admin_index_in_english_after_set_language(office_client) -> None:
    response = office_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert office_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = office_client.get("/admin/").content.decode()
    assert 'lang="en"' in html
    for name in ("Product catalogue", "OCOP producers", "Traceability", "OCOP registry sync"):
        assert name in html
    for name in ("Danh mục sản phẩm", "Chủ thể OCOP", "Truy xuất nguồn gốc"):
        assert name not in html

    # Model names on a changelist too.
    html = office_client.get("/admin/catalog/certification/").content.decode()
    assert "OCOP certification" in html


@pytest.mark.django_db
def test_admin_index_follows_accept_language(office_client) -> None:
    html = office_client.get("/admin/", headers={"Accept-Language": "en"}).content.decode()
    assert "Product catalogue" in html


def test_every_project_model_and_field_has_an_english_name() -> None:
    """Model and field labels of every project app read as English under 'en' (admin, forms, error messages)."""
    untranslated = []
    project_labels = {app.split(".")[-1] for app in settings.PROJECT_APPS}
    with translation.override("en"):
        for config in apps.get_app_configs():
            if config.label not in project_labels:
                continue
            if VIETNAMESE.search(str(config.verbose_name)):
                untranslated.append(f"app {config.label}: {config.verbose_name}")
            for model in config.get_models():
                for label in (model._meta.verbose_name, model._meta.verbose_name_plural):
                    if VIETNAMESE.search(str(label)):
                        untranslated.append(f"{model._meta.label}: {label}")
                for field in model._meta.get_fields():
                    name = getattr(field, "verbose_name", "")
                    if name and VIETNAMESE.search(str(name)):
                        untranslated.append(f"{model._meta.label}.{field.name}: {name}")
                    for _value, choice in getattr(field, "flatchoices", None) or []:
                        if VIETNAMESE.search(str(choice)) and str(choice) not in ENDONYMS:
                            untranslated.append(f"{model._meta.label}.{field.name} choice: {choice}")
    assert untranslated == []


# --- The catalogs themselves ------------------------------------------------------------------------------------


def test_catalogs_found() -> None:
    paths = {str(p.relative_to(settings.BASE_DIR)) for p in catalogs()}
    assert "locale/en/LC_MESSAGES/django.po" in paths
    assert "traceability/locale/en/LC_MESSAGES/django.po" in paths


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalog_is_fully_translated_and_compiled(po_path: Path) -> None:
    with po_path.open("rb") as f:
        po = read_po(f)
    problems = []
    for message in po:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for source, target in zip(ids * len(strings), strings, strict=False):
            if target and sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", source)) != sorted(
                re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", target)
            ):
                problems.append(f"placeholders differ: {source!r} -> {target!r}")
    assert problems == []

    # The committed .mo is the compiled .po (someone who edits the .po must run compilemessages).
    with po_path.with_suffix(".mo").open("rb") as f:
        mo = read_mo(f)

    def entries(catalog):
        return {_key(m.id): _key(m.string) for m in catalog if m.id}

    assert entries(mo) == entries(po)


def test_active_catalog_has_no_gaps_at_runtime() -> None:
    """What Django actually loads for 'en' (root locale + app locales) translates every msgid of every catalog."""
    from django.utils.translation import trans_real

    loaded = trans_real.translation("en")
    missing = []
    for po_path in catalogs():
        with po_path.open("rb") as f:
            for message in read_po(f):
                simple = message.id and isinstance(message.id, str) and message.context is None
                if simple and loaded.gettext(message.id) == message.id and message.string != message.id:
                    missing.append(message.id)
    assert missing == []
