from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _apply(job, seeker, key, **extra):
    return application_apply(
        job=job,
        seeker=seeker,
        name=extra.pop("name", "张三"),
        idempotency_key=key,
        consent_text=application_consent_text(organisation=job.organisation),
        **extra,
    )


def test_first_apply_creates_the_application_with_job_room_phone_and_time():
    # given
    organisation = organisation_make()
    job = job_make(organisation=organisation)
    room = room_make(organisation=organisation)
    seeker = seeker_make(phone="13912345678")
    # when
    application, created = _apply(job, seeker, "key-00000001", room=room)
    # then
    assert created is True
    application.refresh_from_db()
    assert application.job == job
    assert application.organisation == organisation
    assert application.room == room
    assert application.phone == "13912345678"
    assert application.stage == "applied"
    assert application.created_at is not None


def test_double_tap_with_the_same_key_returns_the_same_application():
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()

    first, first_created = _apply(job, seeker, "tap-tap-0001")
    second, second_created = _apply(job, seeker, "tap-tap-0001")

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert Application.objects.count() == 1


def test_retry_after_success_with_the_same_key_returns_the_same_application():
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    first, _ = _apply(job, seeker, "lost-response-1")

    again, created = _apply(job, seeker, "lost-response-1", name="张三丰")

    assert created is False
    assert again.pk == first.pk
    assert again.name == "张三"  # the first application stands, unchanged


def test_second_apply_with_same_phone_and_a_new_key_returns_first_application():
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    first, _ = _apply(job, seeker, "first-key-001")

    second, created = _apply(job, seeker, "second-key-02")

    assert created is False
    assert second.pk == first.pk
    assert Application.objects.count() == 1


def test_applying_to_two_jobs_makes_two_applications():
    organisation = organisation_make()
    job_a = job_make(organisation=organisation, title="普工")
    job_b = job_make(organisation=organisation, title="叉车工")
    seeker = seeker_make()

    a, _ = _apply(job_a, seeker, "key-job-a-01")
    b, _ = _apply(job_b, seeker, "key-job-b-01")

    assert a.pk != b.pk
    assert Application.objects.filter(seeker=seeker).count() == 2


def test_two_seekers_may_use_the_same_key_without_touching_each_other():
    job = job_make(organisation=organisation_make())

    a, _ = _apply(job, seeker_make(), "same-key-0001")
    b, created = _apply(job, seeker_make(), "same-key-0001")

    assert created is True
    assert a.pk != b.pk


def test_a_key_already_used_for_another_job_is_refused():
    organisation = organisation_make()
    job_a = job_make(organisation=organisation)
    job_b = job_make(organisation=organisation)
    seeker = seeker_make()
    _apply(job_a, seeker, "reused-key-01")

    with pytest.raises(ValidationError) as excinfo:
        _apply(job_b, seeker, "reused-key-01")

    assert excinfo.value.code == "idempotency_key_reused"
    assert Application.objects.filter(job=job_b).count() == 0


@pytest.mark.parametrize("key", ["", "   ", "short", "has space in it", "x" * 65])
def test_a_missing_or_malformed_key_is_refused(key):
    job = job_make(organisation=organisation_make())

    with pytest.raises(ValidationError) as excinfo:
        _apply(job, seeker_make(), key)

    assert excinfo.value.code in {"idempotency_key_missing", "idempotency_key_invalid"}
    assert Application.objects.count() == 0


def test_a_blank_name_is_refused_with_a_clear_message():
    job = job_make(organisation=organisation_make())

    with pytest.raises(ValidationError) as excinfo:
        _apply(job, seeker_make(), "blank-name-01", name="   ")

    assert excinfo.value.messages == ["请填写姓名"]
    assert Application.objects.count() == 0


def test_an_apply_inside_an_outer_transaction_survives_a_lost_race():
    """The insert runs in a savepoint: losing to the unique constraint must not poison the
    caller's transaction (PostgreSQL aborts a transaction on an error without one)."""
    from django.db import transaction

    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    first, _ = _apply(job, seeker, "outer-tx-0001")

    with transaction.atomic():
        # Pretend the pre-check could not see the row (e.g. a concurrent insert): force the
        # INSERT path by applying with a brand-new key; the (job, seeker) constraint fires.
        again, created = _apply(job, seeker, "outer-tx-0002")
        assert Application.objects.count() == 1  # the transaction is still usable

    assert (again.pk, created) == (first.pk, False)
