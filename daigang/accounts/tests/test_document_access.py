from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.services import membership_add
from daigang.accounts.testing import (
    moderator_make,
    organisation_registered_make,
    png_bytes,
    user_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence():
    organisation = organisation_registered_make()
    return organisation.documents.get()


def file_url(document) -> str:
    return reverse("accounts:document_file", args=[document.id])


def test_anonymous_visitor_gets_404(client, licence):
    assert client.get(file_url(licence)).status_code == 404


def test_a_plain_user_gets_404(client, licence):
    client.force_login(user_make())
    assert client.get(file_url(licence)).status_code == 404


def test_another_organisations_owner_gets_404(client, licence):
    other = organisation_registered_make()
    client.force_login(other.memberships.get().user)
    assert client.get(file_url(licence)).status_code == 404


def test_a_missing_document_is_404_too(client, licence):
    client.force_login(moderator_make())
    response = client.get(reverse("accounts:document_file", args=[licence.id + 999]))
    assert response.status_code == 404


def test_the_owner_gets_the_file_with_safe_headers(client, licence):
    client.force_login(licence.organisation.memberships.get().user)
    response = client.get(file_url(licence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_an_anchor_of_the_organisation_gets_the_file(client, licence):
    organisation = licence.organisation
    anchor = user_make()
    membership_add(
        organisation=organisation,
        phone=anchor.phone,
        role=Membership.Role.ANCHOR,
        by=organisation.memberships.get().user,
    )
    client.force_login(anchor)
    assert client.get(file_url(licence)).status_code == 200


def test_a_moderator_gets_the_file(client, licence):
    client.force_login(moderator_make())
    assert client.get(file_url(licence)).status_code == 200
