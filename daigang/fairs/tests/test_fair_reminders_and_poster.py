"""A seeker asks to be reminded when an upcoming fair starts (opt-in, once, by SMS and a
notice); a bureau gives its fair a poster, checked and re-encoded, shown on the fair page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from daigang.accounts.testing import user_make
from daigang.fairs.models import Fair, FairReminder
from daigang.fairs.reminders import fair_reminder_set, fair_reminders_send
from daigang.fairs.services import fair_save
from daigang.fairs.testing import bureau_make, fair_make, operator_make
from daigang.hiring.models import Notification
from daigang.privacy.services.deletion import account_delete
from daigang.privacy.services.export import seeker_export

pytestmark = pytest.mark.django_db


def _upcoming(hours: float = 3) -> Fair:
    return fair_make(bureau=bureau_make(), starts_in=dt.timedelta(hours=hours))


def _png(width: int = 60, height: int = 40, tail: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue() + tail


def test_a_seeker_taps_remind_me_once_and_is_told_once_shortly_before_the_start(
    client, sms_outbox, django_capture_on_commit_callbacks
):
    # given an upcoming fair and a logged-in seeker on its page
    fair = _upcoming(hours=3)
    seeker = user_make(phone="13700000001")
    client.force_login(seeker)
    page = client.get(reverse("fairs:fair", args=[fair.pk]))
    assert "开场提醒我" in page.content.decode()
    # when they tap 开场提醒我 twice (a double tap)
    for _ in range(2):
        response = client.post(reverse("fairs:remind", args=[fair.pk]), {"on": "1"})
        assert response.status_code == 302
    # then one reminder is kept and the page says so
    assert FairReminder.objects.filter(fair=fair, user=seeker).count() == 1
    assert "已预约开场提醒" in client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    # and nothing is sent three hours ahead, one SMS and one notice within the hour, never twice
    assert fair_reminders_send() == 0
    soon = fair.starts_at - dt.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert fair_reminders_send(now=soon) == 1
        assert fair_reminders_send(now=soon + dt.timedelta(minutes=5)) == 0
    assert [m.phone for m in sms_outbox] == ["13700000001"]
    assert fair.title in sms_outbox[0].message
    notice = Notification.objects.get(user=seeker)
    assert notice.url == reverse("fairs:fair", args=[fair.pk])


def test_a_seeker_who_cancels_is_not_reminded(client, sms_outbox):
    # given a seeker who asked for a reminder
    fair = _upcoming()
    seeker = user_make()
    fair_reminder_set(fair=fair, user=seeker, on=True)
    # when they cancel on the page (twice: a repeat is a no-op)
    client.force_login(seeker)
    for _ in range(2):
        client.post(reverse("fairs:remind", args=[fair.pk]), {"on": "0"})
    # then nothing goes out when the fair starts
    assert fair_reminders_send(now=fair.starts_at) == 0
    assert sms_outbox == []


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_and_back():
    from django.test import Client

    fair = _upcoming()
    response = Client().post(reverse("fairs:remind", args=[fair.pk]), {"on": "1"})
    assert response.status_code == 302
    assert reverse("fairs:fair", args=[fair.pk]) in response["Location"]
    assert FairReminder.objects.count() == 0


def test_a_fair_that_has_started_takes_no_new_reminders_and_its_page_offers_none(client):
    # given a fair running now
    fair = fair_make(bureau=bureau_make())
    client.force_login(user_make())
    # when a seeker posts anyway
    response = client.post(reverse("fairs:remind", args=[fair.pk]), {"on": "1"}, follow=True)
    # then they are told why and nothing is stored
    assert "已经开始" in response.content.decode()
    assert FairReminder.objects.count() == 0
    assert "开场提醒我" not in client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()


def test_a_reminder_run_that_was_missed_still_reminds_while_the_fair_runs_but_not_after(
    sms_outbox, django_capture_on_commit_callbacks
):
    fair = _upcoming()
    fair_reminder_set(fair=fair, user=user_make(), on=True)
    fair_reminder_set(fair=fair, user=user_make(), on=True)
    # when the first run happens after the end, nobody gets a stale reminder
    assert fair_reminders_send(now=fair.ends_at + dt.timedelta(minutes=1)) == 0
    # and a run during the fair reminds both
    with django_capture_on_commit_callbacks(execute=True):
        assert fair_reminders_send(now=fair.starts_at + dt.timedelta(minutes=10)) == 2
    assert len(sms_outbox) == 2


def test_the_command_sends_what_is_due(sms_outbox, settings):
    settings.FAIR_REMINDER_LEAD_MINUTES = 240
    fair = _upcoming(hours=3)
    fair_reminder_set(fair=fair, user=user_make(), on=True)
    out = io.StringIO()
    call_command("send_fair_reminders", stdout=out)
    assert "sent 1" in out.getvalue()


def test_reminders_are_in_the_seekers_export_and_go_with_their_account():
    fair = _upcoming()
    seeker = user_make()
    fair_reminder_set(fair=fair, user=seeker, on=True)
    assert [r["fair"] for r in seeker_export(user=seeker)["fair_reminders"]] == [fair.title]
    account_delete(user=seeker)
    assert FairReminder.objects.count() == 0


def _save_with_poster(fair: Fair, by, poster) -> Fair:  # type: ignore[no-untyped-def]
    return fair_save(
        bureau=fair.bureau,
        by=by,
        fair=fair,
        title=fair.title,
        target_group=fair.target_group,
        region=fair.region,
        starts_at=fair.starts_at,
        ends_at=fair.ends_at,
        poster=poster,
    )


def test_a_poster_is_re_encoded_and_shown_on_the_public_page_with_a_cacheable_url(client):
    # given a published fair and its operator
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    # when the operator uploads a PNG with bytes hidden after the image
    upload = SimpleUploadedFile("poster.png", _png(tail=b"<script>x</script>"), "image/png")
    fair = _save_with_poster(fair, operator, upload)
    # then the stored poster is a clean PNG, and the page shows it
    assert fair.poster_content_type == "image/png"
    stored = fair.poster.open("rb").read()
    assert b"<script>" not in stored
    page = client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    url = reverse("fairs:poster", args=[fair.pk, fair.poster_sha256[:16]])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert "immutable" in response["Cache-Control"]
    # and an old hash is not found
    assert client.get(reverse("fairs:poster", args=[fair.pk, "0" * 16])).status_code == 404


def test_a_bad_poster_is_refused_with_a_clear_message_and_nothing_is_changed():
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator, title="春风行动")
    fair.title = "改了名字"
    with pytest.raises(ValidationError) as error:
        _save_with_poster(fair, operator, SimpleUploadedFile("p.png", b"%PDF-1.4 not an image"))
    assert "JPG 或 PNG" in str(error.value)
    fair.refresh_from_db()
    assert fair.title == "春风行动"
    assert not fair.poster


def test_a_drafts_poster_is_seen_only_by_its_bureau(client):
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator, publish=False)
    fair = _save_with_poster(fair, operator, SimpleUploadedFile("p.png", _png()))
    url = reverse("fairs:poster", args=[fair.pk, fair.poster_sha256[:16]])
    client.force_login(user_make())
    assert client.get(url).status_code == 404
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_fair_form_takes_a_poster_upload(client):
    # given an operator on the edit page of their fair
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    client.force_login(operator)
    local = timezone.localtime
    # when they send the form with a poster
    response = client.post(
        reverse("fairs:edit", args=[fair.pk]),
        {
            "title": fair.title,
            "target_group": fair.target_group,
            "region": fair.region_id,
            "starts_at": local(fair.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(fair.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "description": "",
            "poster": SimpleUploadedFile("poster.png", _png(), "image/png"),
        },
    )
    # then the fair has it
    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.poster and fair.poster_sha256


def test_a_poster_saved_in_a_transaction_that_rolls_back_is_reused_when_sent_again():
    # given a fair whose poster upload was written, but the save around it rolled back
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    image = _png()
    with pytest.raises(RuntimeError), transaction.atomic():
        _save_with_poster(fair, operator, SimpleUploadedFile("p.png", image, "image/png"))
        raise RuntimeError("the request failed after the poster was stored")
    fair.refresh_from_db()
    assert not fair.poster
    # when the operator sends the same poster again
    fair = _save_with_poster(fair, operator, SimpleUploadedFile("p.png", image, "image/png"))
    # then the fair uses the file already written, and there is one file for the fair
    storage = fair.poster.storage
    folder, _name = fair.poster.name.rsplit("/", 1)
    mine = [name for name in storage.listdir(folder)[1] if name.startswith(f"{fair.pk}-")]
    assert mine == [fair.poster.name.rsplit("/", 1)[1]]
