"""Demo of the assistance list (帮扶名单): 兰州's bureau has three seekers on it.

Each has a 兰州 home region in their profile (the demo's employers are in 广东 and 江苏, so
the bureau knows them by home, not by where they applied) and keeps applying without an
offer: 刘强 six times, 陈静 five, 何军 twice with two interviews. Loading again adds nothing
(applications by fixed idempotency keys, interviews by fixed keys).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daigang.accounts.models import Organisation, SeekerProfile, User
from daigang.accounts.services.profiles import ProfileData, seeker_profile_save
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.jobs.models import Job

BUREAU = "兰州市公共就业服务中心"
# (phone, name, home region, applications, interviews)
SEEKERS = (
    ("13700000021", "刘强", "620102", 6, 0),
    ("13700000022", "陈静", "620103", 5, 0),
    ("13700000023", "何军", "620102", 2, 2),
)


def demo_assistance_load() -> list[str]:
    """The seekers on 兰州's assistance list; returns the lines to print."""
    bureau = Organisation.objects.filter(name=BUREAU, kind=Organisation.Kind.BUREAU).first()
    jobs = list(
        Job.objects.filter(
            status=Job.Status.PUBLISHED, organisation__status=Organisation.Status.VERIFIED
        )
        .select_related("organisation")
        .order_by("id")[:8]
    )
    if bureau is None or len(jobs) < 6:
        return []
    now = timezone.now()
    for index, (phone, name, home, applying, interviewed) in enumerate(SEEKERS):
        seeker, _created = User.objects.get_or_create(phone=phone, defaults={"name": name})
        if not SeekerProfile.objects.filter(user=seeker).exists():
            seeker_profile_save(
                user=seeker, data=ProfileData(name=name, home_region=home, work_kinds=["普工"])
            )
        applications = []
        for number, job in enumerate(jobs[index : index + applying]):
            application, _made = application_apply(
                job=job,
                seeker=seeker,
                name=name,
                idempotency_key=f"demo-assistance-{phone}-{job.pk}",
                consent_text=application_consent_text(organisation=job.organisation),
                now=now - dt.timedelta(days=2 + number * 3),
            )
            applications.append(application)
        for number, application in enumerate(applications[:interviewed]):
            interview, _made = Interview.objects.get_or_create(
                organisation=application.organisation,
                idempotency_key=f"demo-assistance-{phone}-{number}",
                defaults={
                    "title": "普工面试",
                    "starts_at": now - dt.timedelta(days=1 + number * 4),
                    "length_minutes": 20,
                    "state": Interview.State.DONE,
                },
            )
            InterviewParticipant.objects.get_or_create(
                interview=interview,
                user=seeker,
                defaults={
                    "role": InterviewParticipant.Role.CANDIDATE,
                    "application": application,
                },
            )
    return [f"Assistance list (帮扶名单) of {BUREAU}: /manage/{bureau.pk}/assistance/"]
