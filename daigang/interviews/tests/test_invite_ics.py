"""The .ics invite: valid iCalendar, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from daigang.interviews.services import interview_cancel
from daigang.interviews.testing import client_for, interview_make, seat, world_make

pytestmark = pytest.mark.django_db

SHANGHAI_START = dt.datetime(2030, 3, 2, 14, 30)  # 14:30 in Beijing is 06:30 UTC


def _scheduled(world):
    start = timezone.make_aware(SHANGHAI_START)
    return interview_make(
        world,
        applications=[world.application, world.application_b],
        starts_at=start,
        length_minutes=45,
        now=start - dt.timedelta(days=2),
    )


def _event(response):
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_invite_is_a_calendar_file_with_the_times_in_utc():
    # given
    world = world_make()
    interview = _scheduled(world)
    token = seat(interview, world.seeker).token
    # when
    response = client_for(world.seeker).get(f"/interviews/{token}/invite.ics")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.ics"')
    calendar, event = _event(response)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//daigang//")
    assert event.decoded("DTSTART") == dt.datetime(2030, 3, 2, 6, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2030, 3, 2, 7, 15, tzinfo=dt.UTC)
    # written as UTC ("Z"), so no VTIMEZONE is needed
    assert b"DTSTART:20300302T063000Z" in response.content
    assert b"DTEND:20300302T071500Z" in response.content
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_the_invite_carries_the_personal_link_the_title_and_a_stable_uid():
    world = world_make()
    interview = _scheduled(world)
    mine = seat(interview, world.seeker)
    link = f"http://testserver/interviews/{mine.token}/"

    first = _event(client_for(world.seeker).get(f"/interviews/{mine.token}/invite.ics"))[1]
    again = _event(client_for(world.seeker).get(f"/interviews/{mine.token}/invite.ics"))[1]
    other = seat(interview, world.seeker_b)
    theirs = _event(client_for(world.seeker_b).get(f"/interviews/{other.token}/invite.ics"))[1]

    assert str(first["URL"]) == link
    assert link in str(first["DESCRIPTION"])
    assert "普工（电子厂）" in str(first["DESCRIPTION"])
    assert str(first["SUMMARY"]) == "视频面试：普工群面（昆山精密电子有限公司）"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(first["UID"]) == str(again["UID"])
    assert str(first["UID"]) != str(theirs["UID"])
    assert str(first["UID"]) == f"interview-{interview.pk}-participant-{mine.pk}@interviews.daigang"
    [alarm] = first.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -dt.timedelta(minutes=15)


def test_a_cancelled_interview_gives_a_cancelled_invite_with_a_higher_sequence():
    world = world_make()
    interview = _scheduled(world)
    token = seat(interview, world.seeker).token

    interview_cancel(interview=interview, by=world.owner)
    event = _event(client_for(world.seeker).get(f"/interviews/{token}/invite.ics"))[1]

    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1
