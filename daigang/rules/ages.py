"""Age ranges: allowed only where the kind of work justifies them.

By default a job must accept seekers of AGE_MAX_FLOOR years and over up to its upper limit: a
range ending below it ("18–35岁") shuts out older workers, which only a kind of work that the
moderators listed (AgeLimitedWork, in the admin) may do.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from daigang.rules.models import AgeLimitedWork
from daigang.rules.refusals import RULE_LAWS
from daigang.rules.terms import Rule

AGE_MAX_FLOOR = 45


def age_range_check(*, kind_of_work: str, age_max: int) -> None:
    """Raise ValidationError on `age_max` (code "age_limit") for an unjustified age limit."""
    if age_max >= AGE_MAX_FLOOR:
        return
    if AgeLimitedWork.objects.filter(kind_of_work=kind_of_work.strip()).exists():
        return
    message = _(
        "最高年龄%(max)d岁会把%(floor)d岁及以上的求职者拒之门外；“%(kind)s”不在允许限制年龄的"
        "工种里，不符合%(law)s。请把最高年龄设为%(floor)d岁或以上。"
    ) % {
        "max": age_max,
        "floor": AGE_MAX_FLOOR,
        "kind": kind_of_work,
        "law": RULE_LAWS[Rule.AGE],
    }
    raise ValidationError({"age_max": [ValidationError(message, code="age_limit")]})
