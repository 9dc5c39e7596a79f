"""Phone login in two steps: number → SMS code. Works with htmx and as plain form posts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from daigang.accounts.clients import device_cookie_set, phone_client_of
from daigang.accounts.forms import CodeForm, PhoneForm
from daigang.accounts.models import User
from daigang.accounts.selectors import login_landing_url
from daigang.accounts.services import (
    PHONE_CODE_RESEND_AFTER,
    phone_code_send,
    user_login_by_phone,
)
from daigang.core.http import HtmxRequest
from daigang.core.phones import phone_mask
from daigang.core.refused import Refused, Throttled, refused_to_form


def login_next_url(request: HttpRequest, raw: str | None) -> str:
    """`next` if it points back into this site, else "" (no destination asked for).

    The default landing page itself (the seekers' home page, where the top bar's 登录 link
    is followed from) counts as no destination, so that a member who logs in from there
    still lands in their workspace (login_landing_url)."""
    if (
        raw
        and url_has_allowed_host_and_scheme(
            raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and raw != resolve_url(settings.LOGIN_REDIRECT_URL)
    ):
        return raw
    return ""


def _landing_url(user: User, next_url: str) -> str:
    # `next` first; else a member's workspace; else (a seeker) the default page.
    return next_url or login_landing_url(user=user) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _render(request: HtmxRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    # htmx swaps just the box; a plain request gets the whole page around it.
    template = "accounts/_login_box.html" if request.htmx else "accounts/login.html"
    return render(request, template, context, status=status)


def _code_step(*, phone: str, next_url: str, form: CodeForm | None = None) -> dict[str, Any]:
    return {
        "step": "code",
        "form": form or CodeForm(initial={"phone": phone, "next": next_url}),
        "phone": phone,
        "masked_phone": phone_mask(phone),
        "next": next_url,
    }


def _send(request: HtmxRequest, next_url: str) -> HttpResponse:
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _render(request, {"step": "phone", "form": form, "next": next_url})
    phone = form.cleaned_data["phone"]
    try:
        phone_code_send(phone=phone, client=phone_client_of(request))
    except Throttled as exc:
        if exc.code in ("daily_limit", "client_limit"):
            refused_to_form(form, exc)
            context = {"step": "phone", "form": form, "next": next_url}
        else:
            # A code went to this number under a minute ago: it can still be typed in.
            context = _code_step(phone=phone, next_url=next_url)
            context["error"] = exc.message
            context["resend_in"] = exc.retry_after
        response = _render(request, context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except Refused as exc:
        refused_to_form(form, exc)
        return _render(request, {"step": "phone", "form": form, "next": next_url})
    context = _code_step(phone=phone, next_url=next_url)
    context["sent"] = True
    context["resend_in"] = int(PHONE_CODE_RESEND_AFTER.total_seconds())
    return _render(request, context)


def _verify(request: HtmxRequest, next_url: str) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        client = phone_client_of(request)
        try:
            user = user_login_by_phone(
                request=request,
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                client=client,
                name=form.cleaned_data["name"],
            )
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            landing = _landing_url(user, next_url)
            response: HttpResponse = (
                HttpResponseClientRedirect(landing) if request.htmx else redirect(landing)
            )
            device_cookie_set(response, client)
            return response
    if "phone" in form.errors:
        # The hidden number was tampered with or lost: start again.
        phone_form = PhoneForm(initial={"next": next_url})
        return _render(request, {"step": "phone", "form": phone_form, "next": next_url})
    phone = form.cleaned_data["phone"]
    return _render(request, _code_step(phone=phone, next_url=next_url, form=form))


@require_http_methods(["GET", "POST"])
def login_view(request: HtmxRequest) -> HttpResponse:
    next_url = login_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        if request.POST.get("step") == "code":
            return _verify(request, next_url)
        return _send(request, next_url)
    form = PhoneForm(initial={"next": next_url})
    return _render(request, {"step": "phone", "form": form, "next": next_url})
