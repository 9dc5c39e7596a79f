from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from daigang.accounts.models import Organisation, User
from daigang.accounts.testing import organisation_registered_make

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:accounts_organisation_changelist")


@pytest.fixture
def admin_client_(client):
    client.force_login(User.objects.create_superuser("13800000000"))
    return client


def test_admin_approve_action_verifies_through_the_service(admin_client_):
    first, second = organisation_registered_make(), organisation_registered_make()
    response = admin_client_.post(
        CHANGELIST,
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    assert response.status_code == 302
    for organisation in (first, second):
        organisation.refresh_from_db()
        assert organisation.is_verified()
        assert organisation.verified_until is not None


def test_admin_approve_action_reports_what_the_service_refuses(admin_client_):
    agency = organisation_registered_make(kind=Organisation.Kind.AGENCY)
    agency.documents.filter(kind="hr_service_licence").delete()
    response = admin_client_.post(
        CHANGELIST, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [agency.pk]}, follow=True
    )
    assert "缺少人力资源服务许可证" in response.content.decode()
    agency.refresh_from_db()
    assert agency.status == Organisation.Status.PENDING


def test_admin_reject_action_asks_for_a_reason_then_rejects(admin_client_):
    # given
    organisation = organisation_registered_make()
    # when the action is chosen
    form = admin_client_.post(
        CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [organisation.pk]}
    )
    # then a reason is asked for and nothing changes yet
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    # when the reason is given
    admin_client_.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            ACTION_CHECKBOX_NAME: [organisation.pk],
            "apply": "1",
            "reason": "信用代码与执照不符",
        },
    )
    # then
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.rejection_reason == "信用代码与执照不符"


def test_admin_organisation_page_renders_with_document_links(admin_client_):
    organisation = organisation_registered_make()
    response = admin_client_.get(
        reverse("admin:accounts_organisation_change", args=[organisation.pk])
    )
    assert response.status_code == 200
    document = organisation.documents.get()
    assert reverse("accounts:document_file", args=[document.pk]) in response.content.decode()
