"""Account actions."""

from __future__ import annotations

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.tokens import issue_token
from marketplace.core.errors import DomainError, DomainErrors
from marketplace.core.text import normalize_text


@transaction.atomic
def register_user(*, email: str, password: str, full_name: str = "", phone: str = "", language: str = "vi") -> User:
    email = normalize_text(email).lower()
    problems = []
    if not email or "@" not in email:
        problems.append(DomainError("INVALID", _("Địa chỉ e-mail không hợp lệ."), field="email"))
    elif User.objects.filter(email__iexact=email).exists():
        problems.append(DomainError("UNIQUE", _("Đã có tài khoản dùng e-mail này."), field="email"))
    try:
        password_validation.validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        problems.append(DomainError("PASSWORD_TOO_WEAK", " ".join(exc.messages), field="password"))
    if problems:
        raise DomainErrors(problems)
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=normalize_text(full_name),
        phone=normalize_text(phone),
        language=language,
    )


def create_token(*, email: str, password: str, request=None) -> tuple[User, str]:
    user = authenticate(request, username=normalize_text(email).lower(), password=password)
    if user is None:
        raise DomainError("INVALID_CREDENTIALS", _("E-mail hoặc mật khẩu không đúng."), field="email")
    return user, issue_token(user)
