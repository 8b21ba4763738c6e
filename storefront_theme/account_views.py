"""Sign up, sign in, sign out, my orders. Registration goes through accounts.services.register_user."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from marketplace.accounts.services import register_user
from marketplace.core.errors import DomainError, DomainErrors
from marketplace.orders.selectors import orders_of_user


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Họ tên"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=20, required=False)
    password = forms.CharField(label=gettext_lazy("Mật khẩu"), widget=forms.PasswordInput, min_length=8)


class SignInView(auth_views.LoginView):
    template_name = "storefront/account/login.html"
    redirect_authenticated_user = True
    extra_context = {"robots_noindex": True}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["username"].label = _("E-mail")
        form.fields["username"].widget.attrs.update(autocomplete="email", inputmode="email")
        return form


class SignOutView(auth_views.LogoutView):
    next_page = "storefront:home"


@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = register_user(language=(get_language() or "vi")[:2], **form.cleaned_data)
        except (DomainError, DomainErrors) as exc:
            for error in getattr(exc, "errors", None) or [exc]:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Chào mừng bạn đến với Chợ OCOP!"))
            return redirect("storefront:home")
    return render(request, "storefront/account/signup.html", {"form": form, "robots_noindex": True})


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    orders = orders_of_user(request.user)[:50]
    return render(request, "storefront/account/orders.html", {"orders": orders, "robots_noindex": True})
