from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from daigang.accounts.models import Membership
from daigang.accounts.testing import (
    jpeg_bytes,
    member_make,
    moderator_make,
    organisation_make,
    pdf_bytes,
    png_bytes,
)
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.safety import services
from daigang.safety.models import Case, Report
from daigang.safety.testing import case_of, report_make

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


# --- a report's screenshot (multipart, field `file`) -----------------------------------------


def _screenshot_url(report) -> str:
    return f"/api/v1/reports/{report.pk}/screenshot"


def _picture(content: bytes, name: str = "s.jpg") -> SimpleUploadedFile:
    # The declared type is what a phone says; the content decides (daigang.accounts.uploads).
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _stored_files() -> list[str]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "safety"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def reporter():
    return seeker_make()


@pytest.fixture
def report(job, reporter):
    return report_make(reporter=reporter, kind="job", target_id=job.pk)


def test_given_my_open_report_when_i_upload_a_screenshot_then_200_and_it_is_kept_re_encoded(
    client, report, reporter
):
    # given
    client.force_login(reporter)
    exif = Image.Exif()
    exif[0x010E] = "secret location"  # ImageDescription
    picture = jpeg_bytes(exif=exif.tobytes())

    # when
    response = client.post(_screenshot_url(report), {"file": _picture(picture)})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["has_screenshot"], body["status"]) == (report.pk, True, "open")
    report.refresh_from_db()
    assert report.screenshot_type == "image/jpeg"
    stored = report.screenshot.read()
    assert b"secret location" in picture and b"secret location" not in stored  # re-encoded
    assert report.screenshot_sha256 == hashlib.sha256(stored).hexdigest()
    assert client.get("/api/v1/reports/mine").json()[0]["has_screenshot"] is True


def test_given_a_screenshot_when_the_same_picture_is_sent_again_then_200_and_nothing_changes(
    client, report, reporter
):
    # given
    client.force_login(reporter)
    client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})
    report.refresh_from_db()
    first = (report.screenshot.name, report.screenshot_sha256)

    # when
    again = client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})

    # then
    assert again.status_code == 200 and again.json()["id"] == report.pk
    report.refresh_from_db()
    assert (report.screenshot.name, report.screenshot_sha256) == first
    assert _stored_files() == [first[0].removeprefix("safety/")]


def test_given_a_screenshot_when_another_picture_is_sent_then_it_replaces_the_first(
    client, report, reporter, django_capture_on_commit_callbacks
):
    # given
    client.force_login(reporter)
    client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})
    report.refresh_from_db()
    first_sha = report.screenshot_sha256

    # when (the first file goes once the change commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_screenshot_url(report), {"file": _picture(png_bytes(), "s.png")})

    # then
    assert response.status_code == 200 and response.json()["has_screenshot"]
    report.refresh_from_db()
    assert report.screenshot_type == "image/png" and report.screenshot_sha256 != first_sha
    assert _stored_files() == [report.screenshot.name.removeprefix("safety/")]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"%PDF-1.4 not a picture", "screenshot_not_image", "JPG 或 PNG"),
        (b"hello, this is text", "screenshot_not_image", "JPG 或 PNG"),
        (png_bytes()[:40], "image_unreadable", "图片无法读取"),
    ],
    ids=["pdf", "text", "broken png"],
)
def test_given_a_screenshot_when_a_file_that_is_not_a_picture_is_sent_then_400_and_it_stays(
    client, report, reporter, content, code, words
):
    # given a report with its screenshot
    client.force_login(reporter)
    client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})
    report.refresh_from_db()
    before = (report.screenshot.name, report.screenshot_sha256)

    # when
    response = client.post(_screenshot_url(report), {"file": _picture(content)})

    # then
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, "screenshot") and words in body["message"]
    report.refresh_from_db()
    assert (report.screenshot.name, report.screenshot_sha256) == before
    assert _stored_files() == [before[0].removeprefix("safety/")]


def test_given_someone_elses_report_when_they_upload_a_screenshot_then_404(client, job, report):
    owner = job.organisation.memberships.get(role="owner").user
    for user in (seeker_make(), owner, moderator_make()):
        # given someone who is not the reporter
        client.force_login(user)

        # when
        response = client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})

        # then nothing tells them the report exists
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    report.refresh_from_db()
    assert not report.screenshot and _stored_files() == []


def test_given_a_decided_case_when_the_reporter_uploads_a_screenshot_then_409_saying_why(
    client, report, reporter
):
    # given
    services.case_decide(case=case_of(report), by=moderator_make(), action="warn", reason="押金")
    client.force_login(reporter)

    # when
    response = client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})

    # then
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "case_decided" and "已经处理完毕" in body["message"]
    report.refresh_from_db()
    assert not report.screenshot and _stored_files() == []


def test_given_no_login_when_a_screenshot_is_uploaded_then_401(client, report):
    response = client.post(_screenshot_url(report), {"file": _picture(jpeg_bytes())})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_given_no_file_when_a_screenshot_is_uploaded_then_422_naming_the_field(
    client, report, reporter
):
    client.force_login(reporter)
    response = client.post(_screenshot_url(report), {})
    assert response.status_code == 422 and "file" in response.json()["errors"]


# --- an appeal's evidence (multipart, field `file`) -------------------------------------------


@pytest.fixture
def decided(report):
    return services.case_decide(
        case=case_of(report), by=moderator_make(), action="take_down_job", reason="收押金"
    )


@pytest.fixture
def owner(job):
    return job.organisation.memberships.get(role="owner").user


@pytest.fixture
def appealed(decided, owner):
    return services.appeal_submit(case=decided, by=owner, text="我们没有收押金")


def _evidence_url(case) -> str:
    return f"/api/v1/organisations/{case.organisation_id}/cases/{case.pk}/appeal/evidence"


def test_given_an_appeal_when_the_owner_uploads_evidence_then_200_and_it_is_kept(
    client, appealed, owner
):
    # given
    client.force_login(owner)

    # when
    response = client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["has_appeal_evidence"], body["appeal_text"]) == (
        appealed.pk,
        True,
        "我们没有收押金",
    )
    appealed.refresh_from_db()
    stored = appealed.appeal_evidence.read()
    assert appealed.appeal_evidence_type == "image/jpeg"
    assert appealed.appeal_evidence_sha256 == hashlib.sha256(stored).hexdigest()
    cases = client.get(f"/api/v1/organisations/{appealed.organisation_id}/cases").json()
    assert cases[0]["has_appeal_evidence"] is True


def test_given_hr_when_they_upload_the_same_evidence_twice_then_200_and_nothing_changes(
    client, job, appealed
):
    # given HR (roles.CASES), whose evidence is already there
    hr = member_make(organisation=job.organisation, role=Membership.Role.HR)
    client.force_login(hr)
    client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})
    appealed.refresh_from_db()
    first = (appealed.appeal_evidence.name, appealed.appeal_evidence_sha256)

    # when
    again = client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})

    # then
    assert again.status_code == 200 and again.json()["id"] == appealed.pk
    appealed.refresh_from_db()
    assert (appealed.appeal_evidence.name, appealed.appeal_evidence_sha256) == first
    assert _stored_files() == [first[0].removeprefix("safety/")]


def test_given_evidence_when_a_pdf_is_sent_then_it_replaces_the_first(
    client, appealed, owner, django_capture_on_commit_callbacks
):
    # given
    client.force_login(owner)
    client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _evidence_url(appealed), {"file": _picture(pdf_bytes(), "shouju.pdf")}
        )

    # then
    assert response.status_code == 200 and response.json()["has_appeal_evidence"]
    appealed.refresh_from_db()
    assert appealed.appeal_evidence_type == "application/pdf"
    assert _stored_files() == [appealed.appeal_evidence.name.removeprefix("safety/")]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"hello, this is text", "bad_type", "JPG、PNG 图片或 PDF"),
        (png_bytes()[:40], "image_unreadable", "图片无法读取"),
    ],
    ids=["text", "broken png"],
)
def test_given_evidence_when_a_file_that_is_not_acceptable_is_sent_then_400_and_it_stays(
    client, appealed, owner, content, code, words
):
    # given an appeal with its evidence
    client.force_login(owner)
    client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})
    appealed.refresh_from_db()
    before = (appealed.appeal_evidence.name, appealed.appeal_evidence_sha256)

    # when
    response = client.post(_evidence_url(appealed), {"file": _picture(content)})

    # then
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, "evidence") and words in body["message"]
    appealed.refresh_from_db()
    assert (appealed.appeal_evidence.name, appealed.appeal_evidence_sha256) == before
    assert _stored_files() == [before[0].removeprefix("safety/")]


def test_given_an_appeal_when_anyone_without_cases_uploads_evidence_then_404(
    client, job, appealed, reporter
):
    other = organisation_make()
    other_owner = member_make(organisation=other, role=Membership.Role.OWNER)
    anchor = member_make(organisation=job.organisation, role=Membership.Role.ANCHOR)
    urls = {
        "home's": _evidence_url(appealed),
        # through their own organisation's id, with home's case
        "their own": f"/api/v1/organisations/{other.pk}/cases/{appealed.pk}/appeal/evidence",
    }
    for user in (reporter, anchor, other_owner, moderator_make()):
        for which, url in urls.items():
            # given someone who may not act for home in its cases
            client.force_login(user)

            # when
            response = client.post(url, {"file": _picture(jpeg_bytes())})

            # then
            assert response.status_code == 404, (user, which)
            assert response.json()["code"] == "not_found"
    appealed.refresh_from_db()
    assert not appealed.appeal_evidence and _stored_files() == []


def test_given_no_appeal_yet_when_the_owner_uploads_evidence_then_409_saying_to_appeal_first(
    client, decided, owner
):
    client.force_login(owner)
    response = client.post(_evidence_url(decided), {"file": _picture(jpeg_bytes())})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_appeal" and "请先提交申诉" in body["message"]
    assert _stored_files() == []


def test_given_a_decided_appeal_when_the_owner_uploads_evidence_then_409_saying_why(
    client, appealed, owner
):
    # given a second moderator's decision on the appeal
    services.appeal_decide(case=appealed, by=moderator_make(), upheld=False, reason="证据不足")
    client.force_login(owner)

    # when
    response = client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})

    # then
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "appeal_decided" and "已经处理完毕" in body["message"]
    appealed.refresh_from_db()
    assert not appealed.appeal_evidence and _stored_files() == []


def test_given_no_login_when_evidence_is_uploaded_then_401(client, appealed):
    response = client.post(_evidence_url(appealed), {"file": _picture(jpeg_bytes())})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
