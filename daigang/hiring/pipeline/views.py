"""Pipeline pages: the board and table, one application's page, bulk actions, the
organisation's pipeline settings and numbers, and the seeker's 我的报名 with its withdraw button.

Views parse input and call services/selectors. Every form posts normally and redirects
back (POST/redirect/GET), so the pages work without JavaScript; htmx boosts them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.accounts.services.profiles import seeker_profile_of
from daigang.core.ids import id_or_none
from daigang.core.refused import Refused
from daigang.hiring import phone_views
from daigang.hiring.models import STAGE_ROAD, OrganisationStage, RejectionReason, Stage
from daigang.hiring.notifications import notifications_mark_read, notifications_of_user
from daigang.hiring.pipeline import notes
from daigang.hiring.pipeline import selectors as pipeline_selectors
from daigang.hiring.pipeline.consent import (
    application_profile_attach,
    organisation_consent_withdraw,
)
from daigang.hiring.pipeline.forms import PipelineFiltersForm
from daigang.hiring.pipeline.selectors import seeker_applications
from daigang.hiring.pipeline.services import (
    application_advance,
    application_reject,
    application_withdraw,
    applications_bulk_advance,
)
from daigang.hiring.pipeline.settings import (
    organisation_stage_add,
    organisation_stage_archive,
    rejection_reason_archive,
    rejection_reason_save,
)
from daigang.hiring.pipeline.stats import pipeline_stats
from daigang.jobs.counts import card_click_through

BULK_MAX = 200
# How often an open board asks whether it changed (the back office's new rows: 2 s).
BOARD_POLL_SECONDS = 3


def _organisation(request: AuthenticatedRequest, organisation_id: int) -> Organisation:
    return organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.APPLICATIONS
    )


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _list_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    choices = pipeline_selectors.pipeline_filter_choices(organisation=organisation)
    filters = PipelineFiltersForm(request.GET, stages=choices["stages"]).filters()
    return {
        "organisation": organisation,
        "filters": filters,
        "query": urlencode(filters.query_items()),
        "reasons": pipeline_selectors.rejection_reasons_of(organisation=organisation),
        "here": request.get_full_path(),
        **choices,
    }


def _board_context(request: AuthenticatedRequest, organisation: Organisation) -> dict[str, Any]:
    """The board's columns (their full phones recorded as seen) and its version token."""
    context = _list_context(request, organisation)
    # Read before the columns: a move landing between the two reads shows on the next poll.
    context["version"] = pipeline_selectors.pipeline_board_version(
        organisation=organisation, filters=context["filters"]
    )
    context["columns"] = pipeline_selectors.pipeline_board(
        organisation=organisation, filters=context["filters"], options=context["stages"]
    )
    context["poll_seconds"] = BOARD_POLL_SECONDS
    phone_views.phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=(a for column in context["columns"] for a in column.applications),
        source=phone_views.SOURCE_BOARD,
    )
    return context


@login_required
@require_GET
def pipeline_board(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/pipeline/ — a column per stage (a list grouped by stage on a phone)."""
    organisation = _organisation(request, organisation_id)
    return render(request, "hiring/pipeline_board.html", _board_context(request, organisation))


@require_GET
def pipeline_board_changes(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """The open board's poll (static/js/pipeline_board.js), like the back office's: 204 while
    ?version= is still the board's, else the board again (same filters) with its new version.

    A fragment, not a page: no login redirect; an anonymous poll is an outsider's (404), and
    only members with the applications power get past `_organisation`."""
    organisation = _organisation(request, organisation_id)
    # Only the filters, not the menus' choices: most polls end at the 204.
    stages = pipeline_selectors.pipeline_stage_options(organisation=organisation)
    filters = PipelineFiltersForm(request.GET, stages=stages).filters()
    version = pipeline_selectors.pipeline_board_version(organisation=organisation, filters=filters)
    if version == request.GET.get("version", ""):
        return HttpResponse(status=204)
    context = _board_context(request, organisation)
    # The page's own address (with its filters), for the cards' move forms to come back to.
    context["here"] = _board_url(organisation, context["query"])
    return render(request, "hiring/_pipeline_board.html", context)


def _board_url(organisation: Organisation, query: str) -> str:
    path = reverse("hiring:pipeline_board", args=[organisation.pk])
    return f"{path}?{query}" if query else path


@login_required
@require_GET
def pipeline_table(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/pipeline/table/ — filterable table with bulk actions."""
    organisation = _organisation(request, organisation_id)
    context = _list_context(request, organisation)
    applications = list(
        pipeline_selectors.applications_for_pipeline(
            organisation=organisation, filters=context["filters"]
        )[: pipeline_selectors.TABLE_PAGE_SIZE]
    )
    context["applications"] = applications
    phone_views.phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=applications,
        source=phone_views.SOURCE_TABLE,
    )
    context["truncated"] = len(applications) == pipeline_selectors.TABLE_PAGE_SIZE
    return render(request, "hiring/pipeline_table.html", context)


@login_required
@require_GET
def application_detail(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """/manage/<org>/applications/<id>/ — stage, moves, history, notes, tags, duplicates."""
    organisation = _organisation(request, organisation_id)
    application = pipeline_selectors.application_of_organisation(
        organisation=organisation, application_id=application_id
    )
    phone_views.phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=[application],
        source=phone_views.SOURCE_APPLICATION,
    )
    history = pipeline_selectors.application_history(application=application)
    options = pipeline_selectors.pipeline_stage_options(organisation=organisation)
    context = {
        "organisation": organisation,
        "application": application,
        # The seeker's profile, if they attached it and still consent.
        "profile": (
            seeker_profile_of(user=application.seeker)
            if application.profile_shared_at and application.consent_active
            else None
        ),
        "history": list(reversed(history)),
        "spells": pipeline_selectors.application_stage_spells(
            application=application, history=history
        ),
        "moves": [
            option
            for option in pipeline_selectors.stage_options_forward(
                options=options, application=application
            )
            if not option.is_end
        ],
        "reasons": pipeline_selectors.rejection_reasons_of(organisation=organisation),
        "others": pipeline_selectors.application_others(application=application),
        "notes": pipeline_selectors.application_notes(application=application),
        "tags": list(application.tags.order_by("name")),
        "interview_url": _interview_url(organisation, [application.pk]),
    }
    return render(request, "hiring/application_detail.html", context)


def _detail_url(organisation: Organisation, application_id: int) -> str:
    return reverse("hiring:application_detail", args=[organisation.pk, application_id])


def _interview_url(organisation: Organisation, ids: list[int]) -> str:
    # The interviews app's "schedule an interview for these applications" page.
    path = reverse("interviews:new", args=[organisation.pk])
    return f"{path}?{urlencode({'applications': ','.join(str(i) for i in ids)})}"


@login_required
@require_POST
def application_move(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """Move one application to the posted `to_stage` (a member's "移到…" button)."""
    organisation = _organisation(request, organisation_id)
    application = pipeline_selectors.application_of_organisation(
        organisation=organisation, application_id=application_id
    )
    try:
        moved = application_advance(
            application=application,
            to_stage=request.POST.get("to_stage", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(name)s”已移到“%(stage)s”") % {"name": moved.name, "stage": moved.stage_label},
        )
    return _back(request, _detail_url(organisation, application.pk))


@login_required
@require_POST
def application_reject_view(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """不合适: with a reason from the organisation's list (its message goes to the seeker)."""
    organisation = _organisation(request, organisation_id)
    application = pipeline_selectors.application_of_organisation(
        organisation=organisation, application_id=application_id
    )
    reason = pipeline_selectors.rejection_reason_of(
        organisation_id=organisation.pk, reason_id=id_or_none(request.POST.get("reason_id"))
    )
    if reason is None:
        messages.error(request, _("请选择不合适的原因"))
        return _back(request, _detail_url(organisation, application.pk))
    try:
        application_reject(
            application=application,
            rejection_reason=reason,
            by=request.user,
            comment=request.POST.get("comment", ""),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已标记为不合适，并已通知求职者"))
    return _back(request, _detail_url(organisation, application.pk))


@login_required
@require_POST
def application_note_add(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    application = pipeline_selectors.application_of_organisation(
        organisation=organisation, application_id=application_id
    )
    try:
        notes.note_add(
            application=application, author=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(request, _detail_url(organisation, application.pk))


@login_required
@require_POST
def application_tags(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """Add a tag (`name`) or take one off (`remove` = tag id)."""
    organisation = _organisation(request, organisation_id)
    application = pipeline_selectors.application_of_organisation(
        organisation=organisation, application_id=application_id
    )
    remove = id_or_none(request.POST.get("remove"))
    try:
        if remove is not None:
            notes.application_tag_remove(application=application, tag_id=remove)
        else:
            notes.application_tag_add(application=application, name=request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(request, _detail_url(organisation, application.pk))


def _selected_ids(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids"):
        value = id_or_none(raw)
        if value is not None:
            ids.append(value)
    return sorted(set(ids))[:BULK_MAX]


@login_required
@require_POST
def pipeline_bulk(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """Bulk move / reject / invite / tag for the ticked applications."""
    organisation = _organisation(request, organisation_id)
    default = reverse("hiring:pipeline_table", args=[organisation.pk])
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, _("请先勾选报名"))
        return _back(request, default)
    action = request.POST.get("action", "")
    if action == "invite":
        # Keep only this organisation's applications, then hand over to the interviews app.
        own = list(
            organisation.applications.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )
        if not own:
            messages.error(request, _("请先勾选报名"))
            return _back(request, default)
        return HttpResponseRedirect(_interview_url(organisation, own))
    if action == "tag":
        try:
            count = notes.applications_bulk_tag(
                organisation=organisation, application_ids=ids, name=request.POST.get("tag", "")
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("已给%(n)d个报名加上标签") % {"n": count})
        return _back(request, default)
    if action == "reject":
        reason = pipeline_selectors.rejection_reason_of(
            organisation_id=organisation.pk, reason_id=id_or_none(request.POST.get("reason_id"))
        )
        if reason is None:
            messages.error(request, _("请选择不合适的原因"))
            return _back(request, default)
        result = applications_bulk_advance(
            organisation=organisation,
            application_ids=ids,
            to_stage=Stage.REJECTED,
            by=request.user,
            rejection_reason=reason,
        )
    elif action == "move":
        result = applications_bulk_advance(
            organisation=organisation,
            application_ids=ids,
            to_stage=request.POST.get("to_stage", ""),
            by=request.user,
        )
    else:
        messages.error(request, _("请选择要做的操作"))
        return _back(request, default)
    if result.moved:
        messages.success(request, _("已处理%(n)d个报名") % {"n": len(result.moved)})
    for application_id, why in result.skipped.items():
        messages.warning(
            request, _("报名 #%(id)d 未处理：%(why)s") % {"id": application_id, "why": why}
        )
    return _back(request, default)


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_settings(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/pipeline/settings/ — the organisation's own stages and rejection reasons."""
    organisation = _organisation(request, organisation_id)
    here = reverse("hiring:pipeline_settings", args=[organisation.pk])
    if request.method == "POST":
        try:
            _settings_apply(request, organisation)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("已保存"))
        return HttpResponseRedirect(here)
    context = {
        "organisation": organisation,
        "stages": list(OrganisationStage.objects.filter(organisation=organisation, is_active=True)),
        "after_choices": [(s, Stage(s).label) for s in STAGE_ROAD[:-1]],
        "reasons": pipeline_selectors.rejection_reasons_of(organisation=organisation),
    }
    return render(request, "hiring/pipeline_settings.html", context)


def _settings_apply(request: HttpRequest, organisation: Organisation) -> None:
    action = request.POST.get("action", "")
    if action == "stage_add":
        organisation_stage_add(
            organisation=organisation,
            name=request.POST.get("name", ""),
            after_stage=request.POST.get("after_stage", ""),
        )
    elif action == "stage_archive":
        stage = get_object_or_404(
            OrganisationStage,
            organisation=organisation,
            pk=id_or_none(request.POST.get("stage_id")),
        )
        organisation_stage_archive(stage=stage)
    elif action in ("reason_add", "reason_edit"):
        reason = _reason_or_404(request, organisation) if action == "reason_edit" else None
        rejection_reason_save(
            organisation=organisation,
            name=request.POST.get("name", ""),
            message_template=request.POST.get("message_template", ""),
            reason=reason,
        )
    elif action == "reason_archive":
        rejection_reason_archive(reason=_reason_or_404(request, organisation))
    else:
        raise ValidationError(_("请选择要做的操作"))


def _reason_or_404(request: HttpRequest, organisation: Organisation) -> RejectionReason:
    reason = pipeline_selectors.rejection_reason_of(
        organisation_id=organisation.pk, reason_id=id_or_none(request.POST.get("reason_id"))
    )
    if reason is None:
        raise Http404
    return reason


# The jobs chart shows the jobs with the most applications; the table lists them all.
CHART_JOBS = 12


@login_required
@require_GET
def pipeline_stats_page(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/pipeline/stats/ — applications per job/room, conversion, time to hire,
    reasons for rejection."""
    organisation = _organisation(request, organisation_id)
    stats = pipeline_stats(organisation=organisation)
    # What the charts draw (static/js/pipeline_stats.js); the tables below them say the same.
    chart_data = {
        "conversion": [[row.label, row.reached] for row in stats.conversion],
        "jobs": [[row.label, row.count] for row in stats.per_job[:CHART_JOBS]],
        "reasons": [[row.label, row.count] for row in stats.rejection_reasons],
    }
    return render(
        request,
        "hiring/pipeline_stats.html",
        {
            "organisation": organisation,
            "stats": stats,
            "chart_data": chart_data,
            "video_ctr": card_click_through(organisation=organisation),
        },
    )


@login_required
@require_GET
def phone_views_page(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/phone-views/ — who in the organisation saw which seeker's full phone,
    when and where (the owner only)."""
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    views = list(phone_views.phone_views_of_organisation(organisation_id=organisation.pk))
    return render(
        request,
        "hiring/phone_views.html",
        {
            "organisation": organisation,
            "views": views,
            "truncated": len(views) == phone_views.PHONE_VIEWS_PAGE_SIZE,
            "sources": phone_views.source_labels(),
        },
    )


@login_required
@require_GET
def my_applications(request: AuthenticatedRequest) -> HttpResponse:
    """/me/applications/ — 我的报名."""
    context = {
        # Stage in plain words, what happens next, the steps, withdraw (services in this package).
        "applications": seeker_applications(seeker=request.user),
        "notifications": notifications_of_user(user=request.user),
    }
    return render(request, "hiring/my_applications.html", context)


@login_required
@require_POST
def my_application_withdraw(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """The seeker withdraws their own application (twice is fine; others' are not found)."""
    application = pipeline_selectors.application_for_seeker(
        user=request.user, application_id=application_id
    )
    try:
        application_withdraw(
            application=application, seeker=request.user, reason=request.POST.get("reason", "")
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤回报名"))
    return HttpResponseRedirect(reverse("hiring:my_applications"))


@login_required
@require_POST
def my_consent_withdraw(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """The seeker withdraws consent to the organisation of one of their applications
    (twice is fine; others' applications are not found)."""
    application = pipeline_selectors.application_for_seeker(
        user=request.user, application_id=application_id
    )
    organisation_consent_withdraw(application=application, seeker=request.user)
    messages.success(request, _("已撤回同意，该单位将只能看到隐藏后的手机号"))
    return HttpResponseRedirect(f"{reverse('hiring:my_applications')}#application-{application.pk}")


@login_required
@require_POST
def my_profile_attach(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """The seeker attaches their profile (求职资料) to one of their applications, with
    consent (twice is fine; others' applications are not found)."""
    application = pipeline_selectors.application_for_seeker(
        user=request.user, application_id=application_id
    )
    try:
        application_profile_attach(application=application, seeker=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已附上求职资料，该单位可以看到"))
    return HttpResponseRedirect(f"{reverse('hiring:my_applications')}#application-{application.pk}")


@login_required
@require_POST
def my_notifications_read(request: AuthenticatedRequest) -> HttpResponse:
    notifications_mark_read(user=request.user, now=timezone.now())
    return HttpResponseRedirect(reverse("hiring:my_applications"))
