"""Builders for application tests of every layer above hiring: seekers and their applications.

Functions, not fixtures, so a test's `# given` block says what it builds.
"""

from __future__ import annotations

from daigang.accounts.models import User
from daigang.accounts.testing import user_make
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application
from daigang.jobs.models import Job
from daigang.live.models import Room


def seeker_make(*, phone: str | None = None, name: str = "张三") -> User:
    """A job seeker: a user with the name applications copy."""
    return user_make(phone=phone, name=name)


def application_make(
    *,
    job: Job,
    seeker: User,
    room: Room | None = None,
    name: str = "张三",
    key: str | None = None,
) -> Application:
    """An application made through the service, as a seeker's tap would."""
    application, _ = application_apply(
        job=job,
        seeker=seeker,
        name=name,
        room=room,
        idempotency_key=key or f"helper-{job.pk}-{seeker.pk}",
        consent_text=application_consent_text(organisation=job.organisation),
    )
    return application
