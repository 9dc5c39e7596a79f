"""An id too large for a 64-bit column is an ordinary 'not found', never a server error.

The test walks every URL pattern that takes an id (from the resolver, so a new one is covered
without editing this file) and asks for it with 99999999999999999999, as a logged-in superuser
(so no login or permission check answers before the lookup would run), by GET and by POST.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from daigang.core.ids import IdConverter

HUGE = "99999999999999999999"
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _id_urls(patterns, prefix: str = "") -> list[str]:
    """Every route (not the admin's regular expressions) with an id parameter, filled in:
    ids are the parameters with an int/id converter, or named `…_id` (the API's)."""
    urls = []
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern._route)
        if isinstance(entry, URLResolver):
            urls += _id_urls(entry.url_patterns, route)
            continue
        assert isinstance(entry, URLPattern)
        converters = entry.pattern.converters
        names = [m["name"] for m in _PARAM.finditer(route)]
        ids = {
            name
            for name in names
            if isinstance(converters.get(name), IntConverter | IdConverter) or name.endswith("_id")
        }
        takes_id = bool(ids)
        url = "/" + _PARAM.sub(lambda m, ids=ids: HUGE if m["name"] in ids else "x", route)
        if takes_id:
            urls.append(url)
    return urls


ID_URLS = _id_urls(get_resolver().url_patterns)


def test_the_walk_finds_the_urls_of_every_app():
    assert len(ID_URLS) > 50
    assert f"/manage/{HUGE}/applications/" in ID_URLS
    assert f"/api/v1/jobs/{HUGE}" in ID_URLS


@pytest.mark.django_db
@pytest.mark.parametrize("url", ID_URLS)
def test_an_id_past_64_bits_is_not_a_server_error(url):
    # given a superuser, who passes every login and permission check
    admin = get_user_model().objects.create_superuser(phone="13800000000", password=None)
    client = Client(raise_request_exception=False)
    client.force_login(admin)

    # when the URL is asked for with an id that no 64-bit column can hold
    answers = [client.get(url).status_code, client.post(url).status_code]

    # then the answer is 'not found' (or a refusal), never a 500
    assert 500 not in answers, answers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/jobs/{HUGE}",
        f"/api/v1/rooms/{HUGE}",
        f"/api/v1/organisations/{HUGE}",
        f"/api/v1/applications/{HUGE}",
        f"/api/v1/organisations/1/applications?job_id={HUGE}",
    ],
)
def test_the_api_answers_an_id_past_64_bits_in_json(url):
    admin = get_user_model().objects.create_superuser(phone="13800000000", password=None)
    client = Client(raise_request_exception=False)
    client.force_login(admin)

    response = client.get(url)

    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["job", "room", "before"])
def test_the_back_office_treats_an_id_past_64_bits_in_its_filters_as_no_such_row(client, query):
    # given an owner of an organisation
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make

    organisation = organisation_make()
    client.force_login(member_make(organisation=organisation, role=Membership.Role.OWNER))
    # when a hand-edited query string carries a number the database cannot hold
    response = client.get(f"/manage/{organisation.pk}/applications/?{query}={HUGE}")
    # then the page answers (the filter matches nothing) instead of a 500 from the driver
    assert response.status_code == 200
