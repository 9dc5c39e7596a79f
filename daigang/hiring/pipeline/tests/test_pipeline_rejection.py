from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.core.refused import Refused
from daigang.hiring.models import Application, RejectionReason, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance, application_reject
from daigang.hiring.pipeline.settings import (
    rejection_reason_archive,
    rejection_reason_save,
    rejection_reasons_seed,
)
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def test_an_organisation_starts_with_sensible_default_reasons_each_with_a_message():
    world = world_make()

    reasons = rejection_reasons_seed(organisation=world.organisation)

    names = [reason.name for reason in reasons]
    assert names[:4] == ["年龄不符", "已招满", "联系不上", "面试未通过"]
    assert all("{job}" in reason.message_template for reason in reasons)
    # Asking again does not seed twice.
    rejection_reasons_seed(organisation=world.organisation)
    assert RejectionReason.objects.filter(organisation=world.organisation).count() == len(names)


def test_archived_defaults_do_not_come_back():
    world = world_make()
    for reason in rejection_reasons_seed(organisation=world.organisation):
        rejection_reason_archive(reason=reason)

    assert rejection_reasons_seed(organisation=world.organisation) == []


def test_rejecting_with_a_reason_sends_its_message_filled_in_to_the_seeker(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given
    world = world_make()
    full = next(
        r for r in rejection_reasons_seed(organisation=world.organisation) if r.name == "已招满"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(
            application=world.application, rejection_reason=full, by=world.owner, comment="内部"
        )
    # then
    stored = Application.objects.get(pk=world.application.pk)
    assert stored.stage == Stage.REJECTED
    change = StageChange.objects.get(application=stored)
    assert change.rejection_reason == full
    assert change.reason == "已招满：内部"
    [sms] = sms_outbox
    assert sms.phone == "13800001111"
    assert sms.message.startswith("张三您好，感谢您报名昆山精密电子有限公司的“普工（电子厂）”。")
    assert "已经招满" in sms.message
    assert "内部" not in sms.message  # the comment is for the organisation only


def test_an_edited_template_is_the_one_sent(sms_outbox, django_capture_on_commit_callbacks):
    world = world_make()
    reason = rejection_reason_save(
        organisation=world.organisation,
        name="不接受夜班",
        message_template="{name}，{job}需要上夜班，这次不合适。",
    )

    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=world.application, rejection_reason=reason, by=world.owner)

    assert sms_outbox[-1].message == "张三，普工（电子厂）需要上夜班，这次不合适。"


def test_rejecting_by_the_name_of_a_reason_picks_that_reasons_template(
    sms_outbox, django_capture_on_commit_callbacks
):
    world = world_make()
    rejection_reasons_seed(organisation=world.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        application_advance(
            application=world.application, to_stage="rejected", by=world.owner, reason="面试未通过"
        )

    assert StageChange.objects.get().rejection_reason.name == "面试未通过"
    assert "这次没有通过" in sms_outbox[-1].message


def test_rejecting_without_a_reason_is_refused():
    world = world_make()

    with pytest.raises(Refused, match="请选择不合适的原因"):
        application_advance(application=world.application, to_stage="rejected", by=world.owner)

    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_a_reason_of_another_organisation_is_refused():
    world = world_make()
    foreign = rejection_reasons_seed(organisation=world.outsider.organisations.get())[0]

    with pytest.raises(Refused, match="没有这个原因"):
        application_reject(application=world.application, rejection_reason=foreign, by=world.owner)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "请填写发给求职者的消息"),
        ("{phone}您好", "{phone} 不认识"),
        ("您好{name", "大括号不成对"),
    ],
)
def test_a_bad_message_template_is_refused_with_a_clear_message(template, message):
    world = world_make()

    with pytest.raises(ValidationError) as error:
        rejection_reason_save(
            organisation=world.organisation, name="其他", message_template=template
        )

    assert message in error.value.messages[0]


def test_the_reject_form_needs_a_reason_from_the_list(client):
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/applications/{world.application.pk}/reject/"

    response = client.post(url, {"reason_id": ""}, follow=True)

    assert "请选择不合适的原因" in response.content.decode()
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_the_reject_form_has_no_reason_chosen_until_hr_picks_one(client):
    # given HR on an application's page
    world = world_make()
    rejection_reasons_seed(organisation=world.organisation)
    client.force_login(world.hr)
    args = [world.organisation.pk, world.application.pk]
    page = client.get(reverse("hiring:application_detail", args=args)).content.decode()
    # then the reason list starts on a blank, required choice
    assert '<option value="" selected disabled>请选择原因</option>' in page
    # and sending the form without a reason rejects nothing and says why
    response = client.post(reverse("hiring:application_reject", args=args), follow=True)
    assert "请选择不合适的原因" in response.content.decode()
    world.application.refresh_from_db()
    assert world.application.stage != Stage.REJECTED
