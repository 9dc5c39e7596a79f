"""Writes for interviews. Import from here; the modules are split by job:
scheduling (schedule, cancel, finish), guidance (a matchmaker's
1:1 call with a seeker), call (join, mute, remove, focus), verdicts."""

from __future__ import annotations

from daigang.interviews.services.call import (
    interview_focus_set,
    participant_join,
    participant_mute_set,
    participant_remove,
)
from daigang.interviews.services.common import interview_link_path
from daigang.interviews.services.guidance import guidance_call_cancel, guidance_call_schedule
from daigang.interviews.services.scheduling import (
    Scheduled,
    interview_cancel,
    interview_finish,
    interview_schedule,
)
from daigang.interviews.services.verdicts import (
    REJECT_REASON,
    candidate_outcome,
    verdict_record,
)

__all__ = [
    "REJECT_REASON",
    "Scheduled",
    "candidate_outcome",
    "guidance_call_cancel",
    "guidance_call_schedule",
    "interview_cancel",
    "interview_finish",
    "interview_focus_set",
    "interview_link_path",
    "interview_schedule",
    "participant_join",
    "participant_mute_set",
    "participant_remove",
    "verdict_record",
]
