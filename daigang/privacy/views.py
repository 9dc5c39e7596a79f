"""我的数据与账号: download everything (JSON, printable page) and delete the account.

Views parse input and call daigang.privacy.services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from daigang.accounts.models import User
from daigang.privacy.services import AccountDeleteRefused, account_delete, seeker_export


def _user(request: HttpRequest) -> User:
    # @login_required has run: the user is a real account.
    assert isinstance(request.user, User)
    return request.user


def _confirmation_word() -> str:
    # What the seeker types to confirm deletion, in their language (compared trimmed).
    return _("注销")


@login_required
@require_GET
def privacy_mine(request: HttpRequest) -> HttpResponse:
    """/me/privacy/ — the two downloads and the delete form."""
    return render(request, "privacy/mine.html", {"confirmation": _confirmation_word()})


@login_required
@require_GET
def privacy_export_json(request: HttpRequest) -> HttpResponse:
    """/me/privacy/export.json — machine-readable, downloaded as a file."""
    data = seeker_export(user=_user(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="daigang-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def privacy_export_html(request: HttpRequest) -> HttpResponse:
    """/me/privacy/export/ — the same data as a readable, printable page."""
    response = render(request, "privacy/export.html", {"data": seeker_export(user=_user(request))})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def privacy_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account when the seeker typed the confirmation word; then log them out."""
    here = reverse("privacy:mine")
    word = _confirmation_word()
    if request.POST.get("confirmation", "").strip() != word:
        messages.error(request, _("请输入“%(word)s”确认注销账号") % {"word": word})
        return HttpResponseRedirect(here)
    try:
        account_delete(user=_user(request))
    except AccountDeleteRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(here)
    logout(request)
    messages.success(request, _("账号已注销。该手机号以后可以重新注册。"))
    return HttpResponseRedirect("/")
