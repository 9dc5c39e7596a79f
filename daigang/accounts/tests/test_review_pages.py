from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Organisation
from daigang.accounts.testing import moderator_make, organisation_registered_make, user_make

pytestmark = pytest.mark.django_db
REVIEW = reverse("accounts:review_list")


def test_review_list_shows_pending_organisations_with_their_documents(client):
    # given
    pending = organisation_registered_make(name="待审核电子厂")
    organisation_registered_make(name="第二家待审核", kind=Organisation.Kind.AGENCY)
    client.force_login(moderator_make())
    # when
    body = client.get(REVIEW).content.decode()
    # then
    assert "待审核电子厂" in body
    assert "第二家待审核" in body
    document = pending.documents.get()
    assert reverse("accounts:document_file", args=[document.id]) in body


def test_review_list_costs_the_same_queries_however_many_are_pending(
    client, django_assert_max_num_queries
):
    for _ in range(5):
        organisation_registered_make(kind=Organisation.Kind.AGENCY)
    client.force_login(moderator_make())
    # session + user + pending + documents + base.html's memberships check, with room to spare
    with django_assert_max_num_queries(7):
        assert client.get(REVIEW).status_code == 200


def test_review_pages_are_hidden_from_everyone_but_moderators(client):
    organisation = organisation_registered_make()
    assert client.get(REVIEW).status_code == 302  # anonymous: log in first
    client.force_login(organisation.memberships.get().user)
    assert client.get(REVIEW).status_code == 404
    detail = reverse("accounts:review_detail", args=[organisation.id])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "approve"}).status_code == 404
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_moderator_approves_from_the_review_page(client):
    organisation = organisation_registered_make()
    moderator = moderator_make()
    client.force_login(moderator)
    detail = reverse("accounts:review_detail", args=[organisation.id])
    assert "通过认证" in client.get(detail).content.decode()
    response = client.post(detail, {"action": "approve"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified()
    assert organisation.reviewed_by == moderator


def test_moderator_rejects_with_a_reason_from_the_review_page(client):
    # given
    organisation = organisation_registered_make()
    client.force_login(moderator_make())
    detail = reverse("accounts:review_detail", args=[organisation.id])
    # when no reason is given
    response = client.post(detail, {"action": "reject", "reason": ""})
    # then
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    # when a reason is given
    client.post(detail, {"action": "reject", "reason": "执照已过期"})
    # then
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.rejection_reason == "执照已过期"


def test_the_owner_sees_the_rejection_reason(client):
    organisation = organisation_registered_make()
    client.force_login(moderator_make())
    client.post(
        reverse("accounts:review_detail", args=[organisation.id]),
        {"action": "reject", "reason": "执照照片看不清"},
    )
    client.force_login(organisation.memberships.get().user)
    body = client.get(
        reverse("accounts:organisation_detail", args=[organisation.id])
    ).content.decode()
    assert "审核未通过" in body
    assert "执照照片看不清" in body
    assert "重新提交审核" in body


def test_a_plain_user_is_not_a_moderator(client):
    client.force_login(user_make())
    assert client.get(REVIEW).status_code == 404
