"""The fast path's writer commits a batch of applies at once; nothing is acknowledged unless
its transaction committed, and one apply's failure does not fail the others."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from django.db import DatabaseError, connection

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply import services
from daigang.hiring.apply import writer as apply_writer
from daigang.hiring.apply.http import ApplyRequest
from daigang.hiring.apply.tests.fastpath_http import session_of
from daigang.hiring.apply.writer import DELEGATE, PendingApply, batch_apply
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db(transaction=True)


def _pending(job, user=None, *, session_key: str | None = None) -> PendingApply:
    return PendingApply(
        session_key=session_key or session_of(user),
        apply=ApplyRequest(
            job_id=job.pk, room_id=None, name="", consent=True, idempotency_key=str(uuid.uuid4())
        ),
        language="zh-hans",
        script_prefix="",
        loop=None,  # type: ignore[arg-type]  (batch_apply does not answer; the writer does)
        future=None,  # type: ignore[arg-type]
    )


def test_a_batch_stores_every_apply_and_answers_each(django_assert_max_num_queries):
    # given three seekers tapping the same job
    job = job_make(organisation=organisation_make())
    batch = [_pending(job, seeker_make(name=f"求职者{i}")) for i in range(3)]
    # when one batch runs: sessions, users and the job read once, one insert in a savepoint,
    # (BEGIN and COMMIT are counted on SQLite)
    with django_assert_max_num_queries(3 + 3 + 2):
        results = batch_apply(batch)
    # then
    assert [status for status, _ in results] == [201, 201, 201]
    assert Application.objects.filter(job=job).count() == 3
    assert sorted(payload["name"] for _, payload in results) == ["求职者0", "求职者1", "求职者2"]


def test_when_the_commit_fails_every_apply_is_answered_503_and_none_is_kept(monkeypatch):
    job = job_make(organisation=organisation_make())
    batch = [_pending(job, seeker_make()) for _ in range(3)]

    def commit_fails():
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(connection, "commit", commit_fails)
    results = batch_apply(batch)
    monkeypatch.undo()

    assert [status for status, _ in results] == [503, 503, 503]
    # a failed disk write is not "too many people applying": the answer says what is true
    assert results[0][1]["code"] == "unavailable"
    assert results[0][1]["detail"] == "系统暂时无法保存，请稍后重试"
    assert Application.objects.count() == 0


def test_a_transaction_that_could_not_commit_everything_is_answered_503(monkeypatch):
    job = job_make(organisation=organisation_make())
    batch = [_pending(job, seeker_make()) for _ in range(2)]

    def marked_for_rollback():
        raise DatabaseError("the batch's transaction is marked for rollback")

    monkeypatch.setattr(apply_writer, "_transaction_check", marked_for_rollback)
    results = batch_apply(batch)

    assert [status for status, _ in results] == [503, 503]
    assert Application.objects.count() == 0


def test_one_apply_failing_on_its_own_does_not_fail_the_others(monkeypatch):
    # given a batch where the second apply hits an unexpected error
    job = job_make(organisation=organisation_make())
    unlucky = seeker_make(name="倒霉蛋")
    batch = [_pending(job, seeker_make()), _pending(job, unlucky), _pending(job, seeker_make())]
    prepare = apply_writer.apply_request_args

    def prepare_or_fail(*, seeker, apply, lookups):
        if seeker.pk == unlucky.pk:
            raise RuntimeError("a bug")
        return prepare(seeker=seeker, apply=apply, lookups=lookups)

    monkeypatch.setattr(apply_writer, "apply_request_args", prepare_or_fail)
    # when
    results = batch_apply(batch)
    # then
    assert [status for status, _ in results] == [201, 500, 201]
    assert results[1][1]["code"] == "server_error"
    assert Application.objects.count() == 2
    assert not Application.objects.filter(seeker=unlucky).exists()


def test_a_session_django_would_refuse_is_handed_back_to_django():
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    stale = session_of(seeker)
    seeker.set_password("changed-since-login")
    seeker.save()

    results = batch_apply(
        [
            _pending(job, session_key=stale),
            _pending(job, seeker_make()),
            _pending(job, session_key="x" * 32),
        ]
    )

    assert results[0] is DELEGATE
    assert results[1][0] == 201
    assert results[2] is DELEGATE
    assert Application.objects.count() == 1


def test_the_same_tap_twice_in_one_batch_is_one_row_answered_201_then_200():
    job = job_make(organisation=organisation_make())
    first = _pending(job, seeker_make())
    again = dataclasses.replace(first)

    results = batch_apply([first, again])

    assert [status for status, _ in results] == [201, 200]
    assert results[0][1]["id"] == results[1][1]["id"]
    assert Application.objects.count() == 1


def test_a_seeker_s_second_apply_in_a_batch_sees_the_consent_of_the_first():
    # given one seeker tapping two jobs of one organisation, ticking consent only the first time
    organisation = organisation_make()
    first_job, second_job = job_make(organisation=organisation), job_make(organisation=organisation)
    session_key = session_of(seeker_make())
    first = _pending(first_job, session_key=session_key)
    second = _pending(second_job, session_key=session_key)
    second = dataclasses.replace(second, apply=dataclasses.replace(second.apply, consent=False))
    # when both are in one batch
    results = batch_apply([first, second])
    # then the second records the consent given with the first, as two requests in a row would
    assert [status for status, _ in results] == [201, 201]
    texts = set(Application.objects.values_list("consent_text", flat=True))
    assert len(texts) == 1


def test_if_the_one_insert_fails_each_apply_is_written_on_its_own(monkeypatch):
    # given an insert of the whole batch that fails (as an unexpected database error would)
    job = job_make(organisation=organisation_make())
    batch = [_pending(job, seeker_make()) for _ in range(3)]
    insert = services._applications_insert_unless_conflict

    def bulk_fails(applications):
        if len(applications) > 1:
            raise DatabaseError("the batch insert failed")
        return insert(applications)

    monkeypatch.setattr(services, "_applications_insert_unless_conflict", bulk_fails)
    # when
    results = batch_apply(batch)
    # then every apply went through application_apply alone, and all are stored
    assert [status for status, _ in results] == [201, 201, 201]
    assert Application.objects.count() == 3
