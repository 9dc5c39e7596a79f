from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import jpeg_bytes, member_make, moderator_make, organisation_make
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.safety.models import Case, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = organisation_make()
    member_make(organisation=organisation, role=Membership.Role.OWNER, name="老板")
    return organisation


def test_given_the_job_page_then_it_has_a_report_link(client, org):
    job = job_make(organisation=org)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("safety:report", args=["job", job.pk]) in page


def test_given_a_seeker_when_they_report_with_a_screenshot_then_it_is_on_my_reports(client, org):
    job = job_make(organisation=org, title="普工")
    client.force_login(seeker_make())
    url = reverse("safety:report", args=["job", job.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "category": "fees",
            "text": "要交押金",
            "screenshot": SimpleUploadedFile("s.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.screenshot_type == "image/jpeg"
    page = client.get(reverse("safety:mine")).content.decode()
    assert "普工" in page and "处理中" in page


def test_given_a_moderator_when_they_end_a_room_from_the_queue_then_it_is_gone(client, org):
    room = room_make(organisation=org, state=Room.State.LIVE, title="电子厂专场")
    seeker = seeker_make()
    client.force_login(seeker)
    client.post(reverse("safety:report", args=["room", room.pk]), {"category": "contact"})
    client.force_login(moderator_make())
    queue = client.get(reverse("safety:queue")).content.decode()
    assert "电子厂专场" in queue and "1 条举报" in queue
    case = Case.objects.get()
    response = client.post(
        reverse("safety:case", args=[case.pk]), {"action": "end_room", "reason": "引流"}
    )
    assert response.status_code == 302
    assert client.get(reverse("live:room", args=[room.pk])).status_code == 404


def test_given_a_suspension_when_appealed_and_upheld_then_the_organisation_page_is_200_again(
    client, org
):
    client.force_login(seeker_make())
    client.post(reverse("safety:report", args=["organisation", org.pk]), {"category": "fake_job"})
    first = moderator_make()
    client.force_login(first)
    case = Case.objects.get()
    client.post(reverse("safety:case", args=[case.pk]), {"action": "suspend", "reason": "诈骗"})
    assert client.get(reverse("jobs:organisation", args=[org.pk])).status_code == 404
    owner = org.memberships.get().user
    client.force_login(owner)
    cases_page = client.get(reverse("safety:org_cases", args=[org.pk])).content.decode()
    assert "诈骗" in cases_page
    client.post(reverse("safety:org_appeal", args=[org.pk, case.pk]), {"text": "误会"})
    client.force_login(first)
    same = client.post(
        reverse("safety:appeal_decide", args=[case.pk]), {"outcome": "upheld", "reason": "好"}
    )
    assert same.status_code == 400
    client.force_login(moderator_make())
    client.post(
        reverse("safety:appeal_decide", args=[case.pk]), {"outcome": "upheld", "reason": "核实"}
    )
    assert not Organisation.objects.get(pk=org.pk).is_suspended
    client.logout()
    assert client.get(reverse("jobs:organisation", args=[org.pk])).status_code == 200


def test_given_a_listed_uscc_then_the_review_page_shows_the_flag(client, org):
    client.force_login(seeker_make())
    client.post(reverse("safety:report", args=["organisation", org.pk]), {"category": "fees"})
    moderator = moderator_make()
    client.force_login(moderator)
    client.post(
        reverse("safety:case", args=[Case.objects.get().pk]),
        {"action": "suspend", "reason": "收押金"},
    )
    page = client.get(reverse("accounts:review_detail", args=[org.pk])).content.decode()
    assert "review-flags" in page and org.uscc in page
    listing = client.get(reverse("safety:suspended")).content.decode()
    assert org.uscc in listing


def test_given_a_suspension_then_the_members_organisation_page_says_why(client, org):
    from daigang.safety import services
    from daigang.safety.testing import case_of, report_make

    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator_make(), action="suspend", reason="收押金")
    client.force_login(org.memberships.get().user)
    page = client.get(reverse("accounts:organisation_detail", args=[org.pk])).content.decode()
    assert "suspended-notice" in page and "收押金" in page
    assert reverse("safety:org_cases", args=[org.pk]) in page
