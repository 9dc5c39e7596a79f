"""The one bridge to the pipeline: contracts move applications only through it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from daigang.accounts.models import User
from daigang.core.refused import Refused
from daigang.hiring.models import Application
from daigang.hiring.pipeline.services import application_advance


def application_move(
    *, application: Application, to_stage: str, by: User | None, now: dt.datetime
) -> bool:
    """Move the application on (if it is not there yet); True if its stage changed.

    The pipeline's Refused becomes a ValidationError, so the caller's transaction rolls back and the
    view shows the pipeline's Chinese message.
    """
    before = (application.stage, application.custom_stage_id)
    try:
        moved = application_advance(application=application, to_stage=to_stage, by=by, now=now)
    except Refused as error:
        raise ValidationError(error.message, code=error.code) from error
    return (moved.stage, moved.custom_stage_id) != before
