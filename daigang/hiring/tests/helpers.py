from __future__ import annotations

from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application


def applied(*, job, seeker, room=None, name: str = "张三", key: str | None = None) -> Application:
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
