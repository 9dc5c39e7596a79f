"""What the interviewers' verdicts on one candidate add up to.

A candidate's interview is decided once every interviewer of the interview has recorded a
verdict:
- all "fail" → FAILED: the application is rejected with the reason "面试未通过";
- all "pass" → PASSED: it is ready for an offer (the stage stays 面试; pages show 可发放录用);
- anything else (a "hold", or interviewers disagreeing) → UNDECIDED: the organisation decides
  in the pipeline.
With one interviewer, their verdict decides at once. Waiting for the whole panel keeps one
hasty "fail" from ending an application a colleague would pass: a rejection is final in the
pipeline, so it is not taken on a split panel.
"""

from __future__ import annotations

from daigang.interviews.models import Verdict


class Outcome:
    PENDING = "pending"  # not every interviewer has recorded a verdict yet
    PASSED = "passed"
    FAILED = "failed"
    UNDECIDED = "undecided"


def verdict_outcome(*, decisions: list[str], interviewers: int) -> str:
    """The outcome of `decisions` (one per interviewer who decided) on a panel of
    `interviewers`."""
    if interviewers == 0 or len(decisions) < interviewers:
        return Outcome.PENDING
    if all(decision == Verdict.Decision.FAIL for decision in decisions):
        return Outcome.FAILED
    if all(decision == Verdict.Decision.PASS for decision in decisions):
        return Outcome.PASSED
    return Outcome.UNDECIDED
