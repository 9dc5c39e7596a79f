"""The iCalendar (.ics, RFC 5545) invite for one participant, built with the icalendar library.

Times are written in UTC ("…Z"): every calendar app reads those without a VTIMEZONE and shows
them in the phone's own zone. The UID is stable per interview and participant, so importing
the invite again (or after a cancellation, with a higher SEQUENCE) updates the same entry
instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from daigang.interviews.models import JOIN_EARLY, Interview, InterviewParticipant

PRODID = "-//daigang//直播带岗 视频面试//ZH"
UID_DOMAIN = "interviews.daigang"


def invite_uid(participant: InterviewParticipant) -> str:
    return f"interview-{participant.interview_id}-participant-{participant.pk}@{UID_DOMAIN}"


def invite_filename(interview: Interview) -> str:
    return f"interview-{interview.pk}.ics"


def invite_ics(
    *, participant: InterviewParticipant, link: str, now: dt.datetime | None = None
) -> bytes:
    """The participant's calendar invite; `link` is the absolute URL of their video call."""
    interview = participant.interview
    now = now or timezone.now()
    utc = dt.UTC

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", invite_uid(participant))
    event.add("dtstamp", now.astimezone(utc))
    event.add("dtstart", interview.starts_at.astimezone(utc))
    event.add("dtend", interview.ends_at.astimezone(utc))
    summary = (
        _("职业指导：%(title)s（%(organisation)s）")
        if interview.is_guidance
        else _("视频面试：%(title)s（%(organisation)s）")
    )
    event.add(
        "summary", summary % {"title": interview.title, "organisation": interview.organisation.name}
    )
    lines = [
        _("面试链接（仅限本人使用，可提前15分钟进入）：%(link)s") % {"link": link},
        _("请用手机或电脑浏览器打开，并允许使用摄像头和麦克风。"),
    ]
    if participant.is_candidate and participant.application is not None:
        lines.insert(0, _("应聘岗位：%(job)s") % {"job": participant.application.job.title})
    if interview.notes:
        lines.append(interview.notes)
    event.add("description", "\n".join(lines))
    event.add("url", link)
    event.add("location", link)
    cancelled = interview.state == Interview.State.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Raised on cancellation so calendar apps replace the entry they already have.
    event.add("sequence", 1 if cancelled else 0)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("视频面试即将开始"))
        alarm.add("trigger", -JOIN_EARLY)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
