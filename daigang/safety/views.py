"""举报 pages: the report form, 我的举报, the moderators' queue, case and appeal decisions,
the suspended list, and the organisation's cases with its appeal.

Views parse input and call daigang.safety.services / selectors; they hold no rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.contracts.models import Contract
from daigang.core.refused import Refused, refused_to_form
from daigang.safety import selectors, services
from daigang.safety.forms import AppealDecideForm, AppealForm, DecideForm, ReportForm
from daigang.safety.models import Kind
from daigang.safety.targets import clause_paragraphs, target_resolve


def _clause_param(request: HttpRequest) -> int | None:
    value = request.POST.get("clause") or request.GET.get("clause") or ""
    return int(value) if value.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedRequest, kind: str, target_id: int) -> HttpResponse:
    """The 举报 form for one thing; a repeat report of the same thing shows the first one."""
    if kind not in Kind.values:
        raise Http404
    target = target_resolve(
        kind=kind, target_id=target_id, user=request.user, clause=_clause_param(request)
    )
    clauses = None
    if kind == Kind.CLAUSE:
        clauses = clause_paragraphs(Contract.objects.get(pk=target.target_id))
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, clauses=clauses)
    else:
        form = ReportForm(clauses=clauses)
    if request.method == "POST" and form.is_valid():
        try:
            _report, created = services.report_create(
                reporter=request.user,
                target=target,
                category=form.cleaned_data["category"],
                text=form.cleaned_data["text"],
                screenshot=form.cleaned_data.get("screenshot"),
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            if created:
                messages.success(
                    request, _("举报已提交，平台审核员会尽快处理，结果会在“我的举报”里告诉您")
                )
            else:
                messages.info(request, _("您已经举报过这项内容，我们正在处理"))
            return redirect("safety:mine")
    context = {"form": form, "target": target, "kind_label": Kind(kind).label}
    return render(request, "safety/report.html", context, status=400 if form.errors else 200)


@login_required
def reports_mine(request: AuthenticatedRequest) -> HttpResponse:
    reports = selectors.reports_of_reporter(user=request.user)
    return render(request, "safety/mine.html", {"reports": reports})


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "cases": selectors.cases_open(user=request.user),
        "appeals": selectors.appeals_pending(user=request.user),
        "decided": selectors.cases_decided(user=request.user),
        "now": timezone.now(),
    }
    return render(request, "safety/queue.html", context)


def _case_context(request: AuthenticatedRequest, case: Any, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "reports": selectors.case_reports(case=case),
        "decisions": case.decisions.select_related("by"),
        "decide_form": DecideForm(),
        "appeal_form": AppealDecideForm(),
        "now": timezone.now(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_moderator(user=request.user, case_id=case_id)
    if request.method == "POST":
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                services.case_decide(
                    case=case,
                    by=request.user,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                )
            except Refused as refused:
                refused_to_form(form, refused)
            else:
                messages.success(request, _("已处理"))
                return redirect("safety:queue")
        return render(
            request, "safety/case.html", _case_context(request, case, decide_form=form), status=400
        )
    return render(request, "safety/case.html", _case_context(request, case))


@login_required
@require_POST
def appeal_decide_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_moderator(user=request.user, case_id=case_id)
    form = AppealDecideForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(
                case=case,
                by=request.user,
                upheld=form.cleaned_data["outcome"] == "upheld",
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            messages.success(request, _("申诉已处理"))
            return redirect("safety:queue")
    return render(
        request, "safety/case.html", _case_context(request, case, appeal_form=form), status=400
    )


@login_required
def suspended(request: AuthenticatedRequest) -> HttpResponse:
    listings = selectors.suspension_list(user=request.user)
    return render(request, "safety/suspended.html", {"listings": listings})


def _file_response(file: FieldFile, content_type: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_file(request: HttpRequest, report_id: int) -> FileResponse:
    """A report's screenshot: 404 to everyone who may not see it, anonymous included."""
    report = selectors.report_for_evidence(user=request.user, report_id=report_id)
    return _file_response(report.screenshot, report.screenshot_type)


def appeal_evidence_file(request: HttpRequest, case_id: int) -> FileResponse:
    case = selectors.appeal_evidence_for(user=request.user, case_id=case_id)
    return _file_response(case.appeal_evidence, case.appeal_evidence_type)


@login_required
def org_cases(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.CASES
    )
    cases = selectors.cases_of_organisation(organisation=organisation)
    rows = [{"case": case, "reports": selectors.case_reports(case=case)} for case in cases]
    return render(
        request,
        "safety/org_cases.html",
        {"organisation": organisation, "rows": rows, "appeal_form": AppealForm()},
    )


@login_required
@require_POST
def org_appeal(request: AuthenticatedRequest, organisation_id: int, case_id: int) -> HttpResponse:
    case = selectors.case_for_member(
        user=request.user, organisation_id=organisation_id, case_id=case_id
    )
    form = AppealForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.appeal_submit(
                case=case,
                by=request.user,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except Refused as refused:
            messages.error(request, str(refused.message))
            return redirect("safety:org_cases", organisation_id=organisation_id)
        messages.success(request, _("申诉已提交，将由另一位审核员处理"))
        return redirect("safety:org_cases", organisation_id=organisation_id)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("safety:org_cases", organisation_id=organisation_id)
