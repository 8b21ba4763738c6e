"""Cart, checkout, order confirmation and tracking: thin views over the checkout/payments/orders services.

The cart is a checkout whose token sits in the session. All writes go through
checkout.services / payments.services; this module only turns forms into calls and errors into messages.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from marketplace.checkout import selectors as checkout_selectors
from marketplace.checkout import services as checkout_services
from marketplace.core.errors import DomainError, DomainErrors
from marketplace.geo.models import Commune, Province
from marketplace.orders import selectors as order_selectors
from marketplace.orders.models import Fulfilment, Order
from marketplace.payments import selectors as payment_selectors
from marketplace.payments import services as payment_services

SESSION_KEY = "checkout_token"
ORDERS_KEY = "placed_orders"


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _current_checkout(request: HttpRequest):
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    checkout = checkout_selectors.get_checkout(token)
    if checkout is None or checkout.order_id:
        request.session.pop(SESSION_KEY, None)
        return None
    return checkout


def _errors(exc: DomainError | DomainErrors) -> list[DomainError]:
    return list(getattr(exc, "errors", None) or [exc])


def _flash_errors(request: HttpRequest, exc: DomainError | DomainErrors) -> None:
    for error in _errors(exc):
        messages.error(request, error.message)


def _quantity(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 <= number <= 999 else None


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    variant_id = _quantity(request.POST.get("variant")) if request.POST.get("variant", "").isdigit() else None
    quantity = _quantity(request.POST.get("quantity", "1"))
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("storefront:cart")
    if not variant_id or not quantity:
        messages.error(request, _("Hãy chọn quy cách và số lượng hợp lệ (1–999)."))
        return redirect(back)
    variant_id = int(request.POST["variant"])
    try:
        checkout = _current_checkout(request)
        if checkout is None:
            checkout = checkout_services.create_checkout(
                lines=[(variant_id, quantity)], user=_user(request), language=(get_language() or "vi")[:2]
            )
            request.session[SESSION_KEY] = str(checkout.token)
        else:
            checkout_services.add_lines(checkout=checkout, lines=[(variant_id, quantity)])
    except (DomainError, DomainErrors) as exc:
        _flash_errors(request, exc)
        return redirect(back)
    messages.success(request, _("Đã thêm vào giỏ hàng."))
    return redirect("storefront:cart")


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    checkout = _current_checkout(request)
    if checkout is None:
        return redirect("storefront:cart")
    lines = []
    for key, value in request.POST.items():
        if key.startswith("qty-") and key[4:].isdigit():
            quantity = _quantity(value)
            if quantity is None:
                messages.error(request, _("Số lượng phải từ 0 đến 999."))
                return redirect("storefront:cart")
            lines.append((int(key[4:]), quantity))
    remove = request.POST.get("remove")
    if remove and remove.isdigit():
        lines = [(vid, 0 if vid == int(remove) else q) for vid, q in lines] or [(int(remove), 0)]
    try:
        checkout_services.update_lines(checkout=checkout, lines=lines)
    except (DomainError, DomainErrors) as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật giỏ hàng."))
    return redirect("storefront:cart")


def cart(request: HttpRequest) -> HttpResponse:
    checkout = _current_checkout(request)
    summary = checkout_selectors.summarize(checkout) if checkout else None
    return render(request, "storefront/cart.html", {"summary": summary, "robots_noindex": True})


def _address_form_data(request: HttpRequest, checkout) -> dict:
    data = request.POST if request.method == "POST" else {}
    province_code = data.get("province") or (checkout.province.code if checkout.province_id else "")
    communes = []
    if str(province_code).isdigit():
        communes = list(
            Commune.objects.filter(province__code=int(province_code)).order_by("name").values("code", "name")
        )
    return {
        "email": data.get("email", checkout.email or (request.user.email if request.user.is_authenticated else "")),
        "full_name": data.get("full_name", checkout.full_name),
        "phone": data.get("phone", checkout.phone),
        "province": str(province_code),
        "commune": str(data.get("commune") or (checkout.commune.code if checkout.commune_id else "")),
        "street_address": data.get("street_address", checkout.street_address),
        "communes": communes,
    }


def _save_address(request: HttpRequest, checkout) -> dict[str, str]:
    """Apply the contact + address form; returns {field: message} for what is wrong."""
    post = request.POST
    field_errors: dict[str, str] = {}
    province, commune = post.get("province", ""), post.get("commune", "")
    try:
        checkout_services.set_email(checkout=checkout, email=post.get("email", ""))
    except (DomainError, DomainErrors) as exc:
        field_errors["email"] = _errors(exc)[0].message
    try:
        checkout_services.set_shipping_address(
            checkout=checkout,
            full_name=post.get("full_name", ""),
            phone=post.get("phone", ""),
            province=province,
            commune=commune,
            street_address=post.get("street_address", ""),
        )
    except (DomainError, DomainErrors) as exc:
        names = {"fullName": "full_name", "streetAddress": "street_address"}
        for error in _errors(exc):
            field_errors[names.get(error.field or "", error.field or "street_address")] = error.message
    return field_errors


def _place_order(request: HttpRequest, checkout) -> HttpResponse | None:
    post = request.POST
    gateway = post.get("payment", "")
    if gateway not in checkout_selectors.available_payment_gateways():
        messages.error(request, _("Hãy chọn phương thức thanh toán."))
        return None
    try:
        checkout_services.set_delivery_method(checkout=checkout, delivery_method_id=post.get("delivery_method", ""))
        payment = payment_services.create_payment(checkout=checkout, gateway=gateway)
        if gateway == "STRIPE":
            return render(
                request,
                "storefront/pay_card.html",
                {
                    "client_secret": payment.client_secret,
                    "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                    "amount": payment.amount,
                    "return_url": request.build_absolute_uri(reverse("storefront:checkout") + "?stripe=return"),
                    "robots_noindex": True,
                },
            )
        order = checkout_services.complete_checkout(checkout=checkout, user=_user(request))
    except (DomainError, DomainErrors) as exc:
        _flash_errors(request, exc)
        return None
    return _finish(request, order)


def _finish(request: HttpRequest, order) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    placed = request.session.get(ORDERS_KEY, [])
    request.session[ORDERS_KEY] = [*placed[-19:], order.number]
    return redirect("storefront:order_confirmation", number=order.number)


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    current = _current_checkout(request)
    if current is None:
        messages.info(request, _("Giỏ hàng đang trống."))
        return redirect("storefront:cart")
    field_errors: dict[str, str] = {}
    if request.GET.get("stripe") == "return":
        try:  # Stripe.js came back after confirming the card; the webhook marks the order paid
            order = checkout_services.complete_checkout(checkout=current, user=_user(request))
        except (DomainError, DomainErrors) as exc:
            _flash_errors(request, exc)
        else:
            return _finish(request, order)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "address":
            field_errors = _save_address(request, current)
            if not field_errors:
                return redirect(reverse("storefront:checkout") + "#giao-hang")
        elif step == "place":
            response = _place_order(request, current)
            if response is not None:
                return response
        current = checkout_selectors.get_checkout(current.token)
    summary = checkout_selectors.summarize(current)
    gateways = checkout_selectors.available_payment_gateways()  # the API's checkout.availablePaymentGateways
    return render(
        request,
        "storefront/checkout.html",
        {
            "summary": summary,
            "form": _address_form_data(request, current),
            "field_errors": field_errors,
            "provinces": Province.objects.order_by("name"),
            "address_done": current.province_id is not None and current.commune_id is not None and not field_errors,
            "gateways": gateways,
            "stripe_enabled": "STRIPE" in gateways,
            "robots_noindex": True,
        },
    )


def order_confirmation(request: HttpRequest, number: str) -> HttpResponse:
    allowed = number in request.session.get(ORDERS_KEY, [])
    order = order_selectors.order_for_lookup(number=number, user=_user(request))
    if order is None and allowed:
        order = order_selectors.orders_with_details().filter(number=number).first()
    if order is None:
        raise Http404(_("Không tìm thấy đơn hàng."))
    return render(request, "storefront/order.html", _order_context(order, confirmation=True, user=_user(request)))


def _can_cancel(order, user: Any) -> bool:
    if user is None or order.user_id != user.pk or order.status == Order.Status.CANCELED:
        return False
    return all(f.status == Fulfilment.Status.PENDING for f in order.fulfilments.all())


def _order_context(order, *, confirmation: bool = False, user: Any = None) -> dict:
    # The VietQR again while an order paid by bank transfer waits for its money (None otherwise).
    bank = payment_selectors.bank_transfer_for_order(order)
    return {
        "order": order,
        "bank": bank,
        "confirmation": confirmation,
        "can_cancel": _can_cancel(order, user),
        "robots_noindex": True,
    }


@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """The signed-in buyer cancels their order while every parcel is pending (payments.services.cancel_order)."""
    order = order_selectors.order_for_lookup(number=number, user=_user(request))
    if order is None or _user(request) is None:
        raise Http404(_("Không tìm thấy đơn hàng."))
    try:
        payment_services.cancel_order(order=order, user=request.user, reason=request.POST.get("reason", ""))
    except (DomainError, DomainErrors) as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã hủy đơn hàng."))
    return redirect("storefront:order_confirmation", number=order.number)


@ratelimit(key="ip", rate="20/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def order_track(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"robots_noindex": True, "number": "", "contact": ""}
    if request.method == "POST":
        number = request.POST.get("number", "").strip()[:20]
        contact = request.POST.get("contact", "").strip()[:120]
        context.update(number=number, contact=contact)
        order = None
        if number and contact:
            key = "email" if "@" in contact else "phone"
            order = order_selectors.order_for_lookup(number=number, **{key: contact})
        if order is None:
            context["not_found"] = True
        else:
            context.update(_order_context(order))
            return render(request, "storefront/order.html", context)
    return render(request, "storefront/order_track.html", context)
