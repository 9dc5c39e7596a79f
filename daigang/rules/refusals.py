"""What a refused text tells its writer: the field, the rule, the words, and the law.

Domains call `fields_check` with the fields they save; it raises one ValidationError keyed by
field, so a form shows each refusal beside its field with the data still filled in.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daigang.rules.engine import Match, text_matches
from daigang.rules.terms import Rule

RULE_LABELS: dict[Rule, Promise] = {
    Rule.DEPOSIT: gettext_lazy("向求职者收取押金或保证金"),
    Rule.FEE: gettext_lazy("向求职者收取费用"),
    Rule.LOAN: gettext_lazy("诱导求职者借贷（培训贷、招转培等）"),
    Rule.BRUSHING: gettext_lazy("刷单"),
    Rule.DOCUMENTS: gettext_lazy("扣押求职者的身份证或其他证件"),
    Rule.TRIAL: gettext_lazy("收费试工或不付工资的试工"),
    Rule.GENDER: gettext_lazy("性别或婚育限制"),
    Rule.ETHNICITY: gettext_lazy("民族限制"),
    Rule.RELIGION: gettext_lazy("宗教信仰限制"),
    Rule.HOUSEHOLD: gettext_lazy("户籍限制"),
    Rule.REGION: gettext_lazy("地域限制"),
    Rule.HYPE: gettext_lazy("夸大或保证收入的宣传"),
    Rule.AGE: gettext_lazy("年龄限制"),
}

RULE_LAWS: dict[Rule, Promise] = {
    Rule.DEPOSIT: gettext_lazy("《劳动合同法》第九条"),
    Rule.FEE: gettext_lazy("《劳动合同法》第九条"),
    Rule.LOAN: gettext_lazy("《劳动合同法》第九条"),
    Rule.BRUSHING: gettext_lazy("《电子商务法》第十七条"),
    Rule.DOCUMENTS: gettext_lazy("《劳动合同法》第九条"),
    Rule.TRIAL: gettext_lazy("《劳动合同法》第九条、第三十条"),
    Rule.GENDER: gettext_lazy("《就业促进法》第二十七条"),
    Rule.ETHNICITY: gettext_lazy("《就业促进法》第二十八条"),
    Rule.RELIGION: gettext_lazy("《就业促进法》第三条"),
    Rule.HOUSEHOLD: gettext_lazy("《就业促进法》第三十一条"),
    Rule.REGION: gettext_lazy("《就业促进法》第三条"),
    Rule.HYPE: gettext_lazy("《人力资源市场暂行条例》第二十四条"),
    Rule.AGE: gettext_lazy("《就业促进法》第三条"),
}


def match_message(*, field_label: str, match: Match) -> str:
    """One refusal in Chinese: which field, which rule, which words, which law."""
    return _("%(field)s含有%(rule)s的内容（“%(found)s”），不符合%(law)s，请修改后再保存。") % {
        "field": field_label,
        "rule": RULE_LABELS[match.rule],
        "found": match.found,
        "law": RULE_LAWS[match.rule],
    }


def fields_refusals(
    *, fields: Mapping[str, tuple[str, str]], rules: frozenset[Rule]
) -> dict[str, list[str]]:
    """{field name: messages} for each field (name → (label, text)) that breaks a rule."""
    refusals: dict[str, list[str]] = {}
    for name, (label, text) in fields.items():
        seen: set[tuple[Rule, str]] = set()
        for match in text_matches(text, rules=rules):
            if (match.rule, match.term) in seen:
                continue
            seen.add((match.rule, match.term))
            refusals.setdefault(name, []).append(match_message(field_label=label, match=match))
    return refusals


def fields_errors(
    *, fields: Mapping[str, tuple[str, str]], rules: frozenset[Rule]
) -> dict[str, list[ValidationError]]:
    """`fields_refusals` as ValidationErrors (code "content_rule"), to merge into a service's
    own errors."""
    return {
        name: [ValidationError(message, code="content_rule") for message in messages]
        for name, messages in fields_refusals(fields=fields, rules=rules).items()
    }


def fields_check(*, fields: Mapping[str, tuple[str, str]], rules: frozenset[Rule]) -> None:
    """Raise ValidationError keyed by field (code "content_rule") when a field breaks a rule."""
    errors = fields_errors(fields=fields, rules=rules)
    if errors:
        raise ValidationError(errors)
