"""Rejection-message templates fill {name}, {job} and {organisation} and nothing else: no
format specs, conversions, attribute or index access (a spec once grew the server 380 MB)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.hiring.models import RejectionReason
from daigang.hiring.pipeline.message_templates import message_template_fill
from daigang.hiring.pipeline.services import application_reject
from daigang.hiring.pipeline.settings import rejection_reason_save
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db

EVIL = "{name:x>400000000}"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (EVIL, "消息里的 {name:x>400000000} 只能原样写成 {name}"),
        ("{name.__class__}您好", "消息里的 {name.__class__} 只能原样写成 {name}"),
        ("{job[0]}", "只能原样写成 {job}"),
        ("{name!r}您好", "消息里的 {name!r} 只能原样写成 {name}"),
        ("{0}您好", "消息里的 {0} 不认识，只能用 {name}、{job}、{organisation}"),
        ("{}您好", "消息里的 {} 不认识"),
        ("{unknown}您好", "消息里的 {unknown} 不认识"),
        ("{name:{job}}", "大括号不成对"),
        ("您好}", "大括号不成对"),
    ],
)
def test_a_template_with_anything_but_exact_placeholders_is_refused_when_saved(template, message):
    world = world_make()

    with pytest.raises(ValidationError) as error:
        rejection_reason_save(
            organisation=world.organisation, name="其他", message_template=template
        )

    assert message in error.value.messages[0]
    assert not RejectionReason.objects.filter(organisation=world.organisation, name="其他")


def test_the_settings_page_refuses_the_evil_template_in_the_readers_language(client):
    # given
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/settings/"
    form = {"action": "reason_add", "name": "其他", "message_template": EVIL + "您好"}
    # when
    chinese = client.post(url, form, follow=True).content.decode()
    english = client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then
    assert "只能原样写成 {name}，大括号里不能加别的符号" in chinese
    assert "can only be written as {name}" in english
    assert not RejectionReason.objects.filter(organisation=world.organisation, name="其他")


def test_a_good_template_renders_with_its_values_and_literal_braces():
    world = world_make()
    reason = rejection_reason_save(
        organisation=world.organisation,
        name="夜班",
        message_template="{name}您好，{organisation}的{job}要上夜班。{{name}}照写。",
    )

    text = message_template_fill(
        template=reason.message_template,
        values={"name": "张三", "job": "普工", "organisation": "昆山精密"},
    )

    assert text == "张三您好，昆山精密的普工要上夜班。{name}照写。"


def test_an_evil_template_already_in_the_database_is_sent_as_written(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given a template stored before templates were checked (straight into the table)
    world = world_make()
    stored = RejectionReason.objects.create(
        organisation=world.organisation,
        name="旧模板",
        message_template=EVIL + "{name.__class__}{0}{name!r}，{name}您好，{job}不合适。",
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=world.application, rejection_reason=stored, by=world.owner)
    # then only the exact placeholders are filled; the rest stays as typed
    assert sms_outbox[-1].message == (
        EVIL + "{name.__class__}{0}{name!r}，张三您好，普工（电子厂）不合适。"
    )
