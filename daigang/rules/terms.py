"""The rules and their terms. Terms are written in the normal form (simplified, lower case).

A term is listed under the rule it breaks; a longer term is listed where the short one would
not be found in it ("工衣费" does not contain "服装费"). Where a short term sits inside a longer
one ("押金" in "住宿押金"), the longer is what is reported.
"""

from __future__ import annotations

import enum


class Rule(enum.StrEnum):
    DEPOSIT = "deposit"
    FEE = "fee"
    LOAN = "loan"
    BRUSHING = "brushing"
    DOCUMENTS = "documents"
    TRIAL = "trial"
    GENDER = "gender"
    ETHNICITY = "ethnicity"
    RELIGION = "religion"
    HOUSEHOLD = "household"
    REGION = "region"
    HYPE = "hype"
    AGE = "age"


# Asking a seeker for money, a loan or their papers: refused in every text a seeker reads.
MONEY_RULES: frozenset[Rule] = frozenset(
    {Rule.DEPOSIT, Rule.FEE, Rule.LOAN, Rule.BRUSHING, Rule.DOCUMENTS, Rule.TRIAL}
)
# What a job card or a room title promises or restricts: refused there on top of MONEY_RULES.
PUBLIC_RULES: frozenset[Rule] = MONEY_RULES | frozenset(
    {Rule.GENDER, Rule.ETHNICITY, Rule.RELIGION, Rule.HOUSEHOLD, Rule.REGION, Rule.HYPE}
)

_DEPOSIT = (
    "押金",
    "保证金",
    "定金",
    "订金",
    "风险金",
    "住宿押金",
    "宿舍押金",
    "工衣押金",
    "押工资",
    "压工资",
    "扣押工资",
)
_FEE = (
    "服务费",
    "中介费",
    "介绍费",
    "报名费",
    "培训费",
    "体检费",
    "自费体检",
    "体检自费",
    "工衣费",
    "工服费",
    "服装费",
    "工装费",
    "资料费",
    "手续费",
    "建档费",
    "办卡费",
    "管理费",
    "入职费",
    "信息费",
    "咨询费",
    "费用自理",
)
_LOAN = ("培训贷", "招转培", "贷款", "网贷", "分期付学费", "先培训后上岗")
_BRUSHING = ("刷单", "刷信誉", "刷好评", "刷销量")
_DOCUMENTS = (
    "扣押身份证",
    "扣押证件",
    "扣身份证",
    "扣证件",
    "押身份证",
    "押证件",
    "押证",
    "身份证原件押",
    "上交身份证",
    "身份证上交",
)
_TRIAL = ("试工费", "试岗费", "无薪试工", "免费试工", "义务试工", "试工无工资", "试工不给工资")

_GENDER = (
    "限男",
    "限女",
    "只招男",
    "只招女",
    "只要男",
    "只要女",
    "不招女",
    "不招男",
    "不要女",
    "不要男",
    "男性优先",
    "女性优先",
    "男士优先",
    "女士优先",
    "男生优先",
    "女生优先",
    "男工优先",
    "女工优先",
    "女性勿扰",
    "男性勿扰",
    "限未婚",
    "未婚未育",
    "已婚已育优先",
)
_ETHNIC_GROUPS = ("少数民族", "回族", "维族", "维吾尔族", "藏族", "彝族", "苗族", "壮族")
_RELIGIOUS = ("穆斯林", "信教", "信教者", "宗教人士", "信佛", "基督徒", "教徒")
_REGIONS = (
    "河南", "河北", "山东", "山西", "安徽", "江西", "湖南", "湖北", "四川", "贵州", "云南",
    "广西", "广东", "福建", "甘肃", "青海", "新疆", "西藏", "宁夏", "内蒙", "内蒙古", "东北",
    "黑龙江", "吉林", "辽宁", "陕西", "重庆", "潮汕", "江苏", "浙江", "海南", "外地", "外省",
    "农村", "本地",
)  # fmt: skip
_EXCLUDE = ("不招{}", "不要{}", "不收{}", "拒绝{}", "谢绝{}", "{}勿扰", "{}免谈", "{}勿来")
_ONLY = ("限{}", "只招{}", "只要{}", "{}优先")


def _group_terms(groups: tuple[str, ...], patterns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(pattern.format(group) for group in groups for pattern in patterns)


_ETHNICITY = (
    *_group_terms(_ETHNIC_GROUPS, _EXCLUDE),
    *_group_terms(("汉族",), _ONLY),
)
_RELIGION = (*_group_terms(_RELIGIOUS, _EXCLUDE), "无宗教信仰", "不信教优先")
_HOUSEHOLD = (
    "本地户口",
    "本地户籍",
    "本市户口",
    "本市户籍",
    "本省户口",
    "本省户籍",
    "城镇户口",
    "城市户口",
    "非农户口",
    "农村户口",
    "农业户口",
    "外地户口",
    "外地户籍",
    "户籍限制",
    "户口限制",
    "限户籍",
)
_REGION = tuple(
    term
    for term in (
        *_group_terms(tuple(f"{region}人" for region in _REGIONS), (*_EXCLUDE, *_ONLY)),
        *_group_terms(tuple(f"{region}籍" for region in _REGIONS), _EXCLUDE),
    )
    # "本地人优先" is the region rule; "不要本地人" would be odd but is the same refusal.
)
_HYPE = (
    "高薪",
    "包过",
    "保底",
    "日赚",
    "日入过千",
    "日入上千",
    "日入千元",
    "月入过万",
    "月入上万",
    "轻松月入",
    "躺赚",
    "稳赚",
    "零风险",
    "一夜暴富",
)

TERMS: dict[Rule, tuple[str, ...]] = {
    Rule.DEPOSIT: _DEPOSIT,
    Rule.FEE: _FEE,
    Rule.LOAN: _LOAN,
    Rule.BRUSHING: _BRUSHING,
    Rule.DOCUMENTS: _DOCUMENTS,
    Rule.TRIAL: _TRIAL,
    Rule.GENDER: _GENDER,
    Rule.ETHNICITY: _ETHNICITY,
    Rule.RELIGION: _RELIGION,
    Rule.HOUSEHOLD: _HOUSEHOLD,
    Rule.REGION: _REGION,
    Rule.HYPE: _HYPE,
}

# Terms also found by sound: written in pinyin ("yajin", "ya金") and, for the first group, by
# homophones ("压金"). Homophones are limited to terms whose sound makes no everyday phrase:
# "bao zheng jin" would catch "保证进厂".
HOMOPHONE_TERMS: tuple[str, ...] = ("押金", "定金")
PINYIN_TERMS: tuple[str, ...] = (
    "押金",
    "定金",
    "保证金",
    "中介费",
    "服务费",
    "报名费",
    "培训费",
    "体检费",
    "介绍费",
    "培训贷",
    "刷单",
)

# Everyday words that contain a term ("约定金额" holds "定金", "冲压金属" sounds like "押金").
# A hit inside one of them is not a hit.
SAFE_TERMS: tuple[str, ...] = (
    "定金额",
    "压金属",
    "押金属",
    "包过年",
    "包过节",
    "包过夜",
    "贷款专员",
    "贷款顾问",
)
