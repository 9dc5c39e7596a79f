from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from daigang.accounts.sms import SmsSendError
from daigang.hiring.models import Notification
from daigang.hiring.notifications import notification_send
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.pipeline.settings import organisation_stage_add
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def test_a_stage_change_texts_the_seeker_after_commit_in_plain_words(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given
    world = world_make()
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_advance(application=world.application, to_stage="interview", by=world.owner)
        # then: nothing is sent before the commit
        assert sms_outbox == []
    for callback in callbacks:
        callback()
    [sms] = sms_outbox
    assert sms.phone == "13800001111"
    assert sms.message == (
        "您报名的“普工（电子厂）”（昆山精密电子有限公司）有新进展：面试。"
        "已安排面试，请按通知的时间打开面试链接参加视频面试。"
    )
    assert Notification.objects.get(user=world.seeker).text == sms.message


def test_a_rolled_back_change_sends_nothing_and_leaves_no_notification(
    sms_outbox, django_capture_on_commit_callbacks
):
    world = world_make()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_advance(application=world.application, to_stage="contacted", by=world.owner)
        raise RuntimeError

    assert sms_outbox == []
    assert not Notification.objects.exists()


def test_a_move_between_the_organisations_own_sub_stages_does_not_bother_the_seeker(
    sms_outbox, django_capture_on_commit_callbacks
):
    world = world_make()
    first = organisation_stage_add(
        organisation=world.organisation, name="初筛", after_stage="applied"
    )
    second = organisation_stage_add(
        organisation=world.organisation, name="复筛", after_stage="applied"
    )

    with django_capture_on_commit_callbacks(execute=True):
        application_advance(application=world.application, to_stage=first.key, by=world.owner)
        application_advance(application=world.application, to_stage=second.key, by=world.owner)

    assert sms_outbox == []
    assert not Notification.objects.exists()


def test_notifications_show_on_my_applications_newest_first_and_can_be_marked_read(
    client, sms_outbox, django_capture_on_commit_callbacks
):
    # given
    world = world_make()
    with django_capture_on_commit_callbacks(execute=True):
        application_advance(application=world.application, to_stage="contacted", by=world.owner)
        application_advance(application=world.application, to_stage="offer", by=world.owner)
    client.force_login(world.seeker)
    # when
    html = client.get("/me/applications/").content.decode()
    # then
    assert html.index("有新进展：录用") < html.index("有新进展：已联系")
    assert html.count('class="unread"') == 2
    client.post("/me/notifications/read/")
    assert 'class="unread"' not in client.get("/me/applications/").content.decode()


def test_a_provider_failure_is_logged_not_raised(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = (
        "daigang.hiring.pipeline.tests.test_pipeline_notifications.FailingBackend"
    )
    world = world_make()

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=world.seeker, text="测试")

    assert Notification.objects.get().text == "测试"


class FailingBackend:
    def send(self, *, phone: str, message: str) -> None:
        raise SmsSendError("down")


def test_a_caller_that_tells_the_seeker_itself_can_skip_the_stage_message(
    sms_outbox, django_capture_on_commit_callbacks
):
    world = world_make()

    with django_capture_on_commit_callbacks(execute=True):
        application_advance(
            application=world.application, to_stage="interview", by=world.owner, notify=False
        )
        notification_send(user=world.seeker, text="请于周五10点参加视频面试")

    assert [sms.message for sms in sms_outbox] == ["请于周五10点参加视频面试"]


def test_an_employer_reading_english_still_texts_the_seeker_in_the_sites_language(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given an owner whose pages are in English
    world = world_make()
    # when they move the application
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        application_advance(application=world.application, to_stage="interview", by=world.owner)
    # then the seeker is told in Chinese: we do not know their language, only the site's
    [sms] = sms_outbox
    assert sms.message.startswith("您报名的“普工（电子厂）”")


def test_a_notice_with_a_link_is_a_card_with_buttons_never_a_raw_url(client):
    # given an interview invitation whose SMS text carries the full link
    world = world_make()
    path = "/interviews/AbC123_token/"
    notification_send(
        user=world.seeker,
        sms=False,
        text=f"某单位邀请您参加视频面试。请用手机浏览器打开 http://127.0.0.1:8000{path} 进入面试。",
        url=path,
    )
    notification_send(user=world.seeker, sms=False, text="有新进展：录用", url="/me/applications/")
    client.force_login(world.seeker)
    # when the seeker opens 我的报名
    html = client.get("/me/applications/").content.decode()
    # then the text has no URL, and the invitation has 进入面试 and 加入日历 buttons
    assert "http://127.0.0.1:8000" not in html
    assert "请用手机浏览器打开下方链接进入面试" in html
    assert f'<a class="btn" href="{path}">进入面试</a>' in html
    assert f'href="{path}invite.ics">加入日历</a>' in html
    assert '<a class="btn" href="/me/applications/">查看</a>' in html
