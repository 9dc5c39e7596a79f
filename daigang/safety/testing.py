"""Test helpers for reports and cases."""

from __future__ import annotations

from daigang.accounts.models import User
from daigang.safety.models import Case, Category, Report
from daigang.safety.services import report_create
from daigang.safety.targets import target_resolve


def report_make(
    *, reporter: User, kind: str, target_id: int, category: str = Category.FEES, text: str = ""
) -> Report:
    target = target_resolve(kind=kind, target_id=target_id, user=reporter)
    report, _created = report_create(reporter=reporter, target=target, category=category, text=text)
    return report


def case_of(report: Report) -> Case:
    return Case.objects.get(pk=report.case_id)
