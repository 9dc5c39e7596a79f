"""Where a person lands after logging in: the page they asked for; else a member's workspace
(their organisation's page); else, for a seeker, the home page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, sms_code_last, user_make

PHONE = "13812345678"
LOGIN = reverse("accounts:login")

pytestmark = pytest.mark.django_db


def log_in(client, outbox, next_url: str | None = None, **headers) -> str:
    """The page the login sends the browser to (Location, or HX-Redirect under htmx)."""
    extra = {} if next_url is None else {"next": next_url}
    client.post(LOGIN, {"step": "send", "phone": PHONE, **extra}, **headers)
    data = {"step": "code", "phone": PHONE, "code": sms_code_last(outbox), **extra}
    response = client.post(LOGIN, data, **headers)
    assert get_user(client).is_authenticated
    return response["HX-Redirect"] if headers else response["Location"]


def test_a_member_who_logs_in_without_a_next_lands_in_their_workspace(client, sms_outbox):
    # given HR staff of one company
    company = organisation_make()
    member_make(organisation=company, role=Membership.Role.HR, phone=PHONE)

    # when they log in from the login page itself
    landing = log_in(client, sms_outbox)

    # then they land on the organisation's page, their workspace
    assert landing == reverse("accounts:organisation_detail", args=[company.pk])


def test_a_member_who_logs_in_from_the_home_page_lands_in_their_workspace(client, sms_outbox):
    # given an owner; the top bar's 登录 link on the home page asks for the home page again
    company = organisation_make(owner=user_make(phone=PHONE))

    # when (the htmx login, as in a browser)
    landing = log_in(client, sms_outbox, next_url="/", HTTP_HX_REQUEST="true")

    # then
    assert landing == reverse("accounts:organisation_detail", args=[company.pk])


def test_a_member_who_was_sent_to_log_in_from_a_page_lands_on_that_page(client, sms_outbox):
    company = organisation_make(owner=user_make(phone=PHONE))
    board = reverse("hiring:pipeline_board", args=[company.pk])

    assert log_in(client, sms_outbox, next_url=board) == board


def test_a_member_of_several_organisations_lands_on_the_chooser(client, sms_outbox):
    # given someone who is HR at one company and owner of another
    user = user_make(phone=PHONE)
    organisation_make(owner=user)
    other = organisation_make(name="苏州某某电子有限公司")
    Membership.objects.create(organisation=other, user=user, role=Membership.Role.HR)

    # then they choose where to work
    assert log_in(client, sms_outbox) == reverse("accounts:my_organisations")


def test_a_seeker_still_lands_on_the_home_page(client, sms_outbox):
    user_make(phone=PHONE)

    assert log_in(client, sms_outbox) == "/"


def test_a_new_seeker_lands_on_the_home_page(client, sms_outbox):
    assert log_in(client, sms_outbox, next_url="/") == "/"
