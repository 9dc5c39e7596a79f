"""The fair report as XLSX: the figures (live and as frozen at the end), the employers, the
invite links, and every application, written by openpyxl's write-only workbook so an export
of 100,000 applications streams rows to a temporary file instead of holding them."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from daigang.fairs.models import Fair
from daigang.fairs.stats import (
    FIGURES,
    fair_applicants_by_profile,
    fair_application_rows,
    fair_numbers,
    fair_numbers_by_invite,
    fair_numbers_by_organisation,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def fair_summary_rows(
    *, numbers: dict[str, int], frozen: dict[str, int] | None
) -> list[tuple[str, int, int | None]]:
    """(figure's name, live value, frozen value or None) in report order."""
    return [
        (str(label), numbers[key], None if frozen is None else frozen.get(key))
        for key, label in FIGURES
    ]


_ORGANISATION_COLUMNS: tuple[tuple[str, StrOrPromise], ...] = (
    ("organisation", gettext_lazy("单位")),
    ("jobs", gettext_lazy("岗位数")),
    ("headcount", gettext_lazy("招聘人数")),
    ("applications", gettext_lazy("报名人次")),
    ("intentions", gettext_lazy("达成意向")),
    ("interviews", gettext_lazy("面试")),
    ("offers", gettext_lazy("录用")),
    ("signed", gettext_lazy("签约")),
    ("hires", gettext_lazy("入职")),
)


def fair_report_xlsx(*, fair: Fair, filename: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("汇总"))
    summary.append([fair.title])
    summary.append([_("指标"), _("实时"), _("定稿")])
    for label, live, frozen_value in fair_summary_rows(
        numbers=fair_numbers(fair=fair), frozen=fair.report
    ):
        summary.append([label, live, frozen_value])
    organisations = workbook.create_sheet(_("参会单位"))
    organisations.append([str(label) for _key, label in _ORGANISATION_COLUMNS])
    for row in fair_numbers_by_organisation(fair=fair):
        organisations.append([row[key] for key, _label in _ORGANISATION_COLUMNS])
    invites = workbook.create_sheet(_("邀请链接"))
    invites.append([_("学校或院系"), _("报名人次")])
    for row in fair_numbers_by_invite(fair=fair):
        invites.append([row["invite"], row["applications"]])
    profile = fair_applicants_by_profile(fair=fair)
    homes = workbook.create_sheet(_("按家乡"))
    homes.append([_("家乡"), _("报名人数")])
    for row in profile["home"]:
        homes.append([row["region"], row["applicants"]])
    homes.append([_("未填写"), profile["unsaid_home"]])
    groups = workbook.create_sheet(_("按人员类别"))
    groups.append([_("人员类别"), _("报名人数")])
    for row in profile["groups"]:
        groups.append([row["group"], row["applicants"]])
    groups.append([_("未填写"), profile["unsaid_group"]])
    applications = workbook.create_sheet(_("报名明细"))
    applications.append(
        [
            _("报名编号"),
            _("报名时间"),
            _("单位"),
            _("岗位"),
            _("手机号"),
            _("当前阶段"),
            _("到达过的最远阶段"),
            _("来源"),
        ]
    )
    for line in fair_application_rows(fair=fair):
        values: list[Any] = list(line)
        values[1] = timezone.localtime(line[1]).replace(tzinfo=None)
        applications.append(values)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
