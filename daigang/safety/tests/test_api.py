from __future__ import annotations

import pytest

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, moderator_make, organisation_make
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.safety import services
from daigang.safety.models import Case, Report

pytestmark = pytest.mark.django_db


def _report(client, body, key="key-1"):
    return client.post(
        "/api/v1/reports", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.fixture
def job():
    organisation = organisation_make()
    member_make(organisation=organisation, role=Membership.Role.OWNER, name="老板")
    return job_make(organisation=organisation, title="普工")


def test_given_a_seeker_when_they_report_a_job_then_201_and_a_retry_is_200_with_the_same(
    client, job
):
    client.force_login(seeker_make())
    body = {"kind": "job", "target_id": job.pk, "category": "fees", "text": "收押金"}
    first = _report(client, body)
    assert first.status_code == 201, first.content
    again = _report(client, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Report.objects.count() == 1
    mine = client.get("/api/v1/reports/mine").json()
    assert [(row["about"], row["status"]) for row in mine] == [("普工", "open")]


def test_given_a_bad_category_then_400_with_a_code(client, job):
    client.force_login(seeker_make())
    response = _report(client, {"kind": "job", "target_id": job.pk, "category": "nope"})
    assert response.status_code == 400 and response.json()["code"] == "category_invalid"


def test_given_an_unknown_thing_then_404_with_a_code(client):
    client.force_login(seeker_make())
    response = _report(client, {"kind": "job", "target_id": 999999, "category": "fees"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_given_no_login_then_401(client, job):
    response = _report(client, {"kind": "job", "target_id": job.pk, "category": "fees"})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_given_a_decision_when_the_owner_reads_cases_and_appeals_twice_then_409(client, job):
    seeker = seeker_make()
    client.force_login(seeker)
    _report(client, {"kind": "job", "target_id": job.pk, "category": "fees"})
    case = Case.objects.get()
    services.case_decide(case=case, by=moderator_make(), action="take_down_job", reason="押金")
    owner = job.organisation.memberships.get(role="owner").user
    client.force_login(owner)
    cases = client.get(f"/api/v1/organisations/{job.organisation_id}/cases").json()
    assert cases[0]["action"] == "take_down_job" and cases[0]["appealable"]
    assert cases[0]["evidence"][0]["snapshot_text"].startswith("普工")
    url = f"/api/v1/organisations/{job.organisation_id}/cases/{case.pk}/appeal"
    first = client.post(url, {"text": "已改正"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["appeal_text"] == "已改正"
    second = client.post(url, {"text": "再来"}, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "appeal_once"


def test_given_an_outsider_then_the_organisations_cases_are_404(client, job):
    client.force_login(seeker_make())
    response = client.get(f"/api/v1/organisations/{job.organisation_id}/cases")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
