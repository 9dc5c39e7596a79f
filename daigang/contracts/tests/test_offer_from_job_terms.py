"""An offer starts from the job's terms (wages in integer fen), may be edited before it is
sent, is stored as a snapshot, moves the application to 录用 and tells the seeker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from daigang.contracts.models import Offer
from daigang.contracts.selectors import offer_terms_from_job
from daigang.contracts.testing import hire_make, offer_make
from daigang.hiring.models import Notification, Stage
from daigang.jobs.models import Board, WageUnit

pytestmark = pytest.mark.django_db


def test_offer_terms_are_taken_from_the_job_in_fen():
    hire = hire_make()
    terms = offer_terms_from_job(application=hire.application)
    assert (terms.wage_min_fen, terms.wage_max_fen, terms.wage_unit) == (2200, 2500, WageUnit.HOUR)
    assert isinstance(terms.wage_min_fen, int)
    assert terms.board == Board.ROOM_AND_BOARD
    assert (terms.province, terms.city, terms.district) == ("江苏省", "苏州市", "昆山市")
    assert terms.start_date == timezone.localdate() + dt.timedelta(days=7)


def test_sending_an_offer_stores_a_snapshot_and_moves_the_application_to_offer(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given
    hire = hire_make()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_make(hire, wage_min_fen=2600, wage_max_fen=2600)
    hire.job.wage_min_fen = 1000
    hire.job.save()
    # then
    offer.refresh_from_db()
    assert (offer.wage_min_fen, offer.wage_max_fen) == (2600, 2600)
    assert offer.wage_text == "26 元/小时"
    assert offer.status == Offer.Status.SENT
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.OFFER
    link = reverse("contracts:seeker_offer", args=[offer.pk])
    assert Notification.objects.filter(user=hire.seeker, url=link).exists()
    # one SMS (the pipeline's stage message), not two
    assert [m.phone for m in sms_outbox] == [hire.seeker.phone]


def test_sending_twice_returns_the_open_offer():
    hire = hire_make()
    first = offer_make(hire)
    second = offer_make(hire, wage_min_fen=9900, wage_max_fen=9900)
    assert second.pk == first.pk
    assert Offer.objects.filter(application=hire.application).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"wage_min_fen": 3000, "wage_max_fen": 2000}, "wage_max"),
        ({"start_date": dt.date(2000, 1, 1)}, "start_date"),
        ({"term_months": 0}, "term_months"),
        ({"job_title": "  "}, "job_title"),
        ({"board": "caviar"}, "board"),
    ],
)
def test_bad_terms_are_refused_with_a_message_on_the_field(changes, field):
    hire = hire_make()
    with pytest.raises(ValidationError) as caught:
        offer_make(hire, **changes)
    assert field in caught.value.error_dict
    assert not Offer.objects.exists()
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.APPLIED


def test_the_offer_page_prefills_the_job_terms_and_sends_edited_ones_in_fen(client):
    # given
    hire = hire_make()
    client.force_login(hire.owner)
    url = reverse("contracts:manage_offer", args=[hire.organisation.pk, hire.application.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="22"' in page.content.decode() and 'value="25"' in page.content.decode()
    start = timezone.localdate() + dt.timedelta(days=3)
    # when
    response = client.post(
        url,
        {
            "job_title": "普工（电子厂）",
            "kind_of_work": "普工",
            "wage_min": "5500.50",
            "wage_max": "",
            "wage_unit": "month",
            "pay_schedule": "monthly",
            "shift": "day_only",
            "board": "lodging",
            "couple_rooms": "on",
            "province": "江苏省",
            "city": "苏州市",
            "district": "昆山市",
            "address": "开发区1号",
            "start_date": start.isoformat(),
            "term_months": "24",
            "note": "试用期1个月",
        },
    )
    # then
    assert response.status_code == 302
    offer = Offer.objects.get(application=hire.application)
    assert (offer.wage_min_fen, offer.wage_max_fen, offer.wage_unit) == (550050, 550050, "month")
    assert offer.couple_rooms and offer.board == Board.LODGING and offer.term_months == 24
    assert offer.start_date == start and offer.note == "试用期1个月"
    assert "5500.50 元/月" in client.get(url).content.decode()


def test_a_bad_wage_on_the_page_keeps_what_was_typed_and_says_why(client):
    hire = hire_make()
    client.force_login(hire.owner)
    url = reverse("contracts:manage_offer", args=[hire.organisation.pk, hire.application.pk])
    data = {
        "job_title": "普工",
        "wage_min": "25.555",
        "wage_unit": "hour",
        "pay_schedule": "monthly",
        "shift": "day_only",
        "board": "none",
        "province": "江苏省",
        "city": "苏州市",
        "start_date": timezone.localdate().isoformat(),
        "term_months": "12",
        "note": "包车接送",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "工价最多保留两位小数" in body
    assert "包车接送" in body
    assert not Offer.objects.exists()
