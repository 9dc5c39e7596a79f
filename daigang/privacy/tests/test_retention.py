"""`manage.py privacy_retention` deletes stale unhired applications and, later, a deleted
account's signed records; hired records of live accounts stay; running again is a no-op."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from daigang.contracts.models import Contract
from daigang.contracts.testing import hire_make, signed_contract_make
from daigang.hiring.models import Application
from daigang.privacy.services import account_delete, applications_retention_run

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _age(application: Application, days: int) -> None:
    at = application.created_at - days * DAY
    Application.objects.filter(pk=application.pk).update(created_at=at, stage_changed_at=at)


def test_a_stale_unhired_application_is_deleted_and_a_recent_one_stays(settings):
    # given
    settings.PRIVACY_UNHIRED_RETENTION_DAYS = 30
    stale = hire_make().application
    recent = hire_make().application
    _age(stale, 31)
    _age(recent, 29)
    # when
    result = applications_retention_run()
    # then
    assert result.unhired_deleted == 1
    assert not Application.objects.filter(pk=stale.pk).exists()
    assert Application.objects.filter(pk=recent.pk).exists()


def test_a_signed_application_is_kept_while_its_seeker_has_an_account(settings):
    # given
    settings.PRIVACY_UNHIRED_RETENTION_DAYS = 30
    settings.PRIVACY_SIGNED_RETENTION_DAYS = 60
    hire = hire_make()
    signed_contract_make(hire)
    _age(hire.application, 400)
    # when
    applications_retention_run()
    # then
    assert Application.objects.filter(pk=hire.application.pk).exists()


def test_a_deleted_accounts_signed_record_goes_after_the_signed_period(settings):
    # given
    settings.PRIVACY_SIGNED_RETENTION_DAYS = 60
    kept, expired = hire_make(), hire_make()
    for hire in (kept, expired):
        signed_contract_make(hire)
        account_delete(user=hire.seeker)
    _age(kept.application, 59)
    _age(expired.application, 61)
    # when
    result = applications_retention_run()
    # then
    assert result.signed_deleted == 1
    assert Application.objects.filter(pk=kept.application.pk).exists()
    assert not Contract.objects.filter(application_id=expired.application.pk).exists()


def test_the_command_runs_twice_and_deletes_nothing_the_second_time(settings, capsys):
    # given
    settings.PRIVACY_UNHIRED_RETENTION_DAYS = 30
    _age(hire_make().application, 31)
    # when
    call_command("privacy_retention")
    first = capsys.readouterr().out
    call_command("privacy_retention")
    second = capsys.readouterr().out
    # then
    assert "1 unhired application(s) deleted" in first
    assert "0 unhired application(s) deleted" in second
