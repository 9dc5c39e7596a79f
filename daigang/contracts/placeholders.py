"""Contract templates: the default texts and a safe, limited {{ 占位符 }} substitution.

A template is plain text. The only thing that is replaced is `{{ name }}` where `name` is one
of PLACEHOLDERS; nothing is evaluated (no Django template code, no attribute lookups, no
filters), so an organisation member editing a template can neither run code nor reach data
beyond these values. Unknown names are refused when a template is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.contracts.models import ContractKind

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
TEMPLATE_BODY_MAX = 20000

# name → what it is filled with (shown on the template editing page).
PLACEHOLDERS: dict[str, str] = {
    "单位名称": gettext_noop("甲方单位全称"),
    "统一社会信用代码": gettext_noop("甲方统一社会信用代码"),
    "单位地址": gettext_noop("甲方登记地址"),
    "劳动者姓名": gettext_noop("乙方姓名（报名时填写）"),
    "劳动者手机号": gettext_noop("乙方手机号"),
    "岗位名称": gettext_noop("录用岗位"),
    "工种": gettext_noop("工种"),
    "工价": gettext_noop("例如 22-25 元/小时"),
    "结算方式": gettext_noop("月结、周结、日结等"),
    "班次": gettext_noop("长白班、两班倒等"),
    "食宿": gettext_noop("包吃住、包住、餐补等"),
    "夫妻间": gettext_noop("提供 / 不提供"),
    "工作地点": gettext_noop("省市区和详细地址"),
    "用工单位": gettext_noop("劳务派遣时实际用工的单位"),
    "到岗日期": gettext_noop("例如 2025年3月1日"),
    "合同期限": gettext_noop("例如 12个月"),
    "合同终止日期": gettext_noop("到岗日期加合同期限的前一天"),
    "其他约定": gettext_noop("录用通知里的其他约定"),
    "生成日期": gettext_noop("合同生成的日期"),
}

_EMPLOYMENT_TITLE = gettext_noop("劳动合同")
_EMPLOYMENT_BODY = gettext_noop(
    """甲方（用人单位）：{{ 单位名称 }}
统一社会信用代码：{{ 统一社会信用代码 }}
地址：{{ 单位地址 }}

乙方（劳动者）：{{ 劳动者姓名 }}
联系电话：{{ 劳动者手机号 }}

根据《中华人民共和国劳动法》《中华人民共和国劳动合同法》等法律法规，甲乙双方遵循合法、公平、平等自愿、协商一致、诚实信用的原则，订立本合同。

第一条 合同期限
本合同为固定期限劳动合同，期限{{ 合同期限 }}，自{{ 到岗日期 }}起至{{ 合同终止日期 }}止。

第二条 工作内容和工作地点
乙方同意在甲方“{{ 岗位名称 }}”岗位（工种：{{ 工种 }}）工作，工作地点为{{ 工作地点 }}。

第三条 工作时间和休息休假
甲方安排乙方实行{{ 班次 }}工作制。甲方安排加班的，应与乙方协商，并依法支付加班工资或安排补休。

第四条 劳动报酬
乙方的工资标准为{{ 工价 }}，{{ 结算方式 }}，以货币形式按时足额支付，不得克扣或者无故拖欠。乙方在法定工作时间内提供了正常劳动的，甲方支付的工资不低于当地最低工资标准。

第五条 食宿
甲方为乙方提供的食宿条件为：{{ 食宿 }}；夫妻间：{{ 夫妻间 }}。

第六条 社会保险
甲方依法为乙方办理并缴纳社会保险，乙方个人应缴部分由甲方从工资中代扣代缴。

第七条 劳动保护和劳动条件
甲方为乙方提供符合国家规定的劳动安全卫生条件和必要的劳动防护用品，对乙方进行安全生产教育。

第八条 禁止收费
甲方不得以任何名义向乙方收取押金、培训费、体检费、服装费等费用，不得扣押乙方的居民身份证和其他证件。

第九条 合同的变更、解除和终止
本合同的变更、解除和终止依照《中华人民共和国劳动合同法》的规定执行。

第十条 其他约定
{{ 其他约定 }}

第十一条 争议处理
双方因履行本合同发生争议的，可以协商解决；协商不成的，可以向劳动争议调解组织申请调解，或向劳动争议仲裁委员会申请仲裁。

第十二条 电子签名
本合同以电子形式订立，双方通过直播带岗平台以可靠的电子签名签署，依照《中华人民共和国电子签名法》与手写签名或者盖章具有同等法律效力。本合同自双方签署之日起生效，双方各可下载一份签署完成的PDF文件。

生成日期：{{ 生成日期 }}"""
)

_DISPATCH_TITLE = gettext_noop("劳务派遣协议")
_DISPATCH_BODY = gettext_noop(
    """甲方（劳务派遣单位）：{{ 单位名称 }}
统一社会信用代码：{{ 统一社会信用代码 }}
地址：{{ 单位地址 }}

乙方（被派遣劳动者）：{{ 劳动者姓名 }}
联系电话：{{ 劳动者手机号 }}

根据《中华人民共和国劳动合同法》《劳务派遣暂行规定》等法律法规，甲乙双方经协商一致，订立本协议。

第一条 派遣期限
甲方与乙方订立二年以上的固定期限劳动合同。本次派遣期限{{ 合同期限 }}，自{{ 到岗日期 }}起至{{ 合同终止日期 }}止。

第二条 用工单位、岗位和工作地点
甲方将乙方派遣至{{ 用工单位 }}，在“{{ 岗位名称 }}”岗位（工种：{{ 工种 }}）工作，工作地点为{{ 工作地点 }}。

第三条 工作时间
乙方按用工单位的安排实行{{ 班次 }}工作制，加班应经乙方同意并依法支付加班工资。

第四条 劳动报酬
乙方的工资标准为{{ 工价 }}，{{ 结算方式 }}。被派遣劳动者享有与用工单位的劳动者同工同酬的权利。甲方按月支付乙方劳动报酬；被派遣期间无工作的，甲方按照不低于当地最低工资标准按月支付报酬。

第五条 食宿
食宿条件为：{{ 食宿 }}；夫妻间：{{ 夫妻间 }}。

第六条 社会保险
甲方依法为乙方办理并缴纳社会保险。

第七条 禁止收费
甲方和用工单位不得以任何名义向乙方收取押金、培训费、体检费、服装费等费用，不得扣押乙方的居民身份证和其他证件。

第八条 协议的解除和终止
本协议的解除和终止依照《中华人民共和国劳动合同法》及《劳务派遣暂行规定》执行。用工单位将乙方退回的，甲方应依法重新派遣或支付报酬。

第九条 其他约定
{{ 其他约定 }}

第十条 争议处理
双方因履行本协议发生争议的，可以协商解决；协商不成的，可以向劳动争议仲裁委员会申请仲裁。

第十一条 电子签名
本协议以电子形式订立，双方通过直播带岗平台以可靠的电子签名签署，依照《中华人民共和国电子签名法》与手写签名或者盖章具有同等法律效力。本协议自双方签署之日起生效，双方各可下载一份签署完成的PDF文件。

生成日期：{{ 生成日期 }}"""
)

DEFAULTS: dict[str, tuple[str, str]] = {
    ContractKind.EMPLOYMENT: (_EMPLOYMENT_TITLE, _EMPLOYMENT_BODY),
    ContractKind.DISPATCH: (_DISPATCH_TITLE, _DISPATCH_BODY),
}


def template_default(kind: str) -> tuple[str, str]:
    """(title, body) of the built-in template of `kind`, in the current language."""
    title, body = DEFAULTS[kind]
    return _(title), _(body)


def placeholders_unknown(text: str) -> list[str]:
    """The `{{ … }}` names in `text` that are not placeholders, in order, once each."""
    unknown: list[str] = []
    for match in PLACEHOLDER_RE.finditer(text):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def placeholders_render(text: str, values: dict[str, str]) -> str:
    """Replace each known `{{ name }}` with its value; anything else stays as written.

    Values are inserted as plain text and never scanned again, so a value that itself looks
    like `{{ 单位名称 }}` (a seeker could type that as their name) is not expanded.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in PLACEHOLDERS and name in values:
            return values[name]
        return match.group(0)

    return PLACEHOLDER_RE.sub(replace, text)


def date_text(day: dt.date) -> str:
    # The format itself is translated: "2025年3月1日" in Chinese, "1 Mar 2025" in English.
    return dateformat.format(day, _("Y年n月j日"))


def term_end(start: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` starting on `start` (1 Mar + 12 months → 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, monthrange(year, month)[1])
    return dt.date(year, month, day) - dt.timedelta(days=1)
