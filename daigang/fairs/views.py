"""Fair pages: seekers' fair list and fair page; the bureau's fairs, one fair's management
and its live numbers with exports; an employer's registration. Views parse input and call
services and selectors; every page of a bureau checks the member's power at each request."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.core.http import HtmxRequest
from daigang.core.ids import id_or_none
from daigang.core.refused import Refused, refused_to_form
from daigang.core.times import local_time_text
from daigang.fairs import reminders, selectors, services, stats
from daigang.fairs.export import fair_report_xlsx, fair_summary_rows
from daigang.fairs.forms import DecideForm, FairForm, InviteForm, RoomAddForm
from daigang.fairs.models import Fair, FairInvite
from daigang.jobs.models import Job
from daigang.live.models import Room
from daigang.regions.selectors import region_for_filter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Called with (request, fair, the ids of the fair and those inside it) when a fair's page is
# drawn; each returns a section of HTML (or ""). daigang.policies adds the fair's 宣策 sessions.
fair_page_section_hooks: list[Callable[[HttpRequest, Fair, list[int]], str]] = []

# Seekers' pages poll nothing; the dashboard refreshes its numbers this often (seconds).
STATS_REFRESH_S = 5


@require_GET
def fairs_list(request: HttpRequest) -> HttpResponse:
    """/fairs/ — published fairs, running now first."""
    now = timezone.now()
    fairs = selectors.fairs_public(now=now)
    return render(request, "fairs/list.html", {"fairs": fairs, "now": now})


def _source_of(request: HttpRequest, fair: Fair) -> str:
    """The source tag applications from this page carry: the fair, and the campus invite
    the seeker came in by (kept in the session by fair_invite)."""
    invite_id = request.session.get(f"fair_invite:{fair.pk}")
    return f"fair:{fair.pk}:{invite_id}" if invite_id else f"fair:{fair.pk}"


@require_GET
def fair_page(request: HttpRequest, fair_id: int) -> HttpResponse:
    """/fairs/<id>/ — live now, upcoming and ended rooms; every job of the approved employers."""
    fair = selectors.fair_public_get(fair_id=fair_id)
    ids = selectors.fair_family_ids(fair=fair)
    rooms = selectors.fair_rooms(fair_ids=ids)
    city = (request.GET.get("city") or "").strip()[:20]
    jobs = list(selectors.fair_jobs_public(fair_ids=ids, city=city)[:200])
    headcounts = selectors.fair_job_headcounts(fair_ids=ids)
    my_organisations: list[Organisation] = []
    if request.user.is_authenticated:
        my_organisations = [
            membership.organisation
            for membership in request.user.memberships.select_related("organisation")
            if membership.organisation.kind != Organisation.Kind.BUREAU
        ]
    context = {
        "fair": fair,
        "phase": fair.phase(),
        "children": selectors.fair_children_public(fair=fair),
        # An interrupted room (its anchor is coming back) stays with the live ones.
        "live": [room for room in rooms if room.state in (Room.State.LIVE, Room.State.INTERRUPTED)],
        "upcoming": [room for room in rooms if room.state == Room.State.SCHEDULED],
        "ended": [room for room in rooms if room.state == Room.State.ENDED],
        "jobs": [(job, headcounts.get(job.pk)) for job in jobs],
        "city": city,
        "source": _source_of(request, fair),
        "my_organisations": my_organisations,
        "reminder_set": request.user.is_authenticated
        and reminders.fair_reminder_is_set(fair=fair, user=request.user),
        "sections": [
            html for hook in fair_page_section_hooks if (html := hook(request, fair, ids))
        ],
    }
    return render(request, "fairs/fair.html", context)


@require_POST
def fair_remind(request: HttpRequest, fair_id: int) -> HttpResponse:
    """/fairs/<id>/remind/ — opt in to (on=1) or out of (on=0) the start reminder. A visitor
    who is not logged in logs in with their phone first and comes back to the fair."""
    fair = selectors.fair_public_get(fair_id=fair_id)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("fairs:fair", args=[fair.pk]))
    on = request.POST.get("on") != "0"
    try:
        reminders.fair_reminder_set(fair=fair, user=request.user, on=on)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        if on:
            messages.success(request, _("已预约：开始前会通过短信和消息提醒您"))
        else:
            messages.success(request, _("已取消开场提醒"))
    return redirect("fairs:fair", fair_id=fair.pk)


@require_GET
def fair_poster(request: HttpRequest, fair_id: int, sha: str) -> FileResponse:
    """/fairs/<id>/poster/<sha>/ — the fair's poster. A published fair's is public; a draft's
    only for the bureau's members. The hash is in the URL, so the answer never changes and
    any cache may keep it."""
    fair = get_object_or_404(Fair, pk=fair_id)
    if not fair.is_public() and not (
        request.user.is_authenticated
        and membership_has(
            user=request.user, organisation_id=fair.bureau_id, power=Power.ORGANISATION_SEE
        )
    ):
        raise Http404
    if not fair.poster or fair.poster_sha256[:16] != sha:
        raise Http404
    response = FileResponse(fair.poster.open("rb"), content_type=fair.poster_content_type)
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if fair.is_public() else "private, no-store"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def fair_invite(request: HttpRequest, fair_id: int, token: str) -> HttpResponse:
    """/fairs/<id>/i/<token>/ — a campus invite link: remember it, then show the fair."""
    fair = selectors.fair_public_get(fair_id=fair_id)
    invite = get_object_or_404(FairInvite, fair=fair, token=token[:32])
    request.session[f"fair_invite:{fair.pk}"] = invite.pk
    return redirect("fairs:fair", fair_id=fair.pk)


def _fair_form_values(form: FairForm) -> dict[str, Any]:
    data = form.cleaned_data
    region = region_for_filter(value=data["region"])
    if region is None or not region.is_current:
        raise ValidationError({"region": [_("找不到这个地区，请填写地区名称或6位区划代码")]})
    parent = None
    if data.get("parent"):
        parent = Fair.objects.filter(pk=data["parent"]).select_related("region").first()
        if parent is None:
            raise ValidationError({"parent": [_("没有这个编号的招聘会")]})
    return {
        "title": data["title"],
        "target_group": data["target_group"],
        "region": region,
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "description": data["description"],
        "parent": parent,
        "poster": data.get("poster") or None,
    }


def _fair_form_page(
    request: HttpRequest, *, bureau: Organisation, form: FairForm, fair: Fair | None
) -> HttpResponse:
    return render(
        request,
        "fairs/fair_form.html",
        {"bureau": bureau, "form": form, "fair": fair},
        status=400 if form.is_bound else 200,
    )


def _fair_form_post(
    request: AuthenticatedRequest, *, bureau: Organisation, fair: Fair | None
) -> HttpResponse:
    form = FairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = services.fair_save(
                bureau=bureau, by=request.user, fair=fair, **_fair_form_values(form)
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("fairs:manage", fair_id=saved.pk)
    return _fair_form_page(request, bureau=bureau, form=form, fair=fair)


@login_required
@require_GET
def bureau_fairs(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<bureau>/fairs/ — the bureau's fairs and those of the bureaus below it."""
    bureau = selectors.bureau_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.STATS_SEE
    )
    fairs = list(selectors.fairs_of_bureau(bureau=bureau).order_by("-starts_at", "-id")[:200])
    may_run = bureau.is_verified() and _may(request, bureau, Power.FAIRS_RUN)
    return render(
        request,
        "fairs/bureau_fairs.html",
        {"bureau": bureau, "fairs": fairs, "may_run": may_run, "now": timezone.now()},
    )


def _may(request: AuthenticatedRequest, organisation: Organisation, power: Power) -> bool:
    return membership_has(user=request.user, organisation_id=organisation.pk, power=power)


@login_required
@require_http_methods(["GET", "POST"])
def fair_new(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    bureau = selectors.bureau_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.FAIRS_RUN
    )
    if request.method == "POST":
        return _fair_form_post(request, bureau=bureau, fair=None)
    assert bureau.region is not None
    form = FairForm(initial={"region": bureau.region.code})
    return _fair_form_page(request, bureau=bureau, form=form, fair=None)


@login_required
@require_http_methods(["GET", "POST"])
def fair_edit(request: AuthenticatedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    if request.method == "POST":
        return _fair_form_post(request, bureau=fair.bureau, fair=fair)
    form = FairForm(
        initial={
            "title": fair.title,
            "target_group": fair.target_group,
            "region": fair.region_id,
            "starts_at": timezone.localtime(fair.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(fair.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "description": fair.description,
            "parent": fair.parent_id,
        }
    )
    return _fair_form_page(request, bureau=fair.bureau, form=form, fair=fair)


def _manage_page(
    request: AuthenticatedRequest, fair: Fair, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "fair": fair,
        "phase": fair.phase(),
        "entries": selectors.fair_entries(fair=fair),
        "fair_rooms": list(selectors.fair_rooms_of(fair=fair)),
        "addable_rooms": selectors.fair_rooms_addable(fair=fair),
        "invites": list(fair.invites.all()),
        "room_form": forms.get("room_form") or RoomAddForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "invite_base": request.build_absolute_uri("/")[:-1],
    }
    return render(request, "fairs/manage.html", context, status=status)


@login_required
@require_GET
def fair_manage(request: AuthenticatedRequest, fair_id: int) -> HttpResponse:
    """/fairs/<id>/manage/ — approve employers, build the schedule, hand out invite links."""
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    return _manage_page(request, fair)


@login_required
@require_POST
def fair_publish_view(request: AuthenticatedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    try:
        services.fair_publish(fair=fair, by=request.user)
    except Refused as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已发布，求职者现在可以看到这场招聘会"))
    return redirect("fairs:manage", fair_id=fair.pk)


@login_required
@require_POST
def fair_entry_decide_view(
    request: AuthenticatedRequest, fair_id: int, entry_id: int
) -> HttpResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    entry = selectors.fair_entry_for_bureau(fair=fair, entry_id=entry_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择通过或不通过"))
        return redirect("fairs:manage", fair_id=fair.pk)
    services.fair_entry_decide(
        entry=entry,
        by=request.user,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )
    return redirect("fairs:manage", fair_id=fair.pk)


@login_required
@require_POST
def fair_room_add_view(request: AuthenticatedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    form = RoomAddForm(request.POST)
    if form.is_valid():
        room = Room.objects.filter(pk=form.cleaned_data["room"]).first()
        if room is None:
            form.add_error("room", _("没有这个直播间"))
        else:
            try:
                services.fair_room_add(fair=fair, room=room, by=request.user)
            except Refused as exc:
                refused_to_form(form, exc)
            else:
                return redirect("fairs:manage", fair_id=fair.pk)
    return _manage_page(request, fair, status=400, room_form=form)


@login_required
@require_POST
def fair_invite_add(request: AuthenticatedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.FAIRS_RUN
    )
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.fair_invite_create(
                fair=fair, by=request.user, label=form.cleaned_data["label"]
            )
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            return redirect("fairs:manage", fair_id=fair.pk)
    return _manage_page(request, fair, status=400, invite_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def fair_register(
    request: AuthenticatedRequest, fair_id: int, organisation_id: int
) -> HttpResponse:
    """/fairs/<id>/register/<org>/ — an employer picks the jobs it brings and their headcount."""
    fair = selectors.fair_public_get(fair_id=fair_id)
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.FAIRS_JOIN
    )
    jobs = list(
        Job.objects.filter(organisation=organisation, status=Job.Status.PUBLISHED).order_by(
            "-published_at", "-id"
        )
    )
    entry = selectors.fair_entry_of(fair=fair, organisation=organisation)
    chosen = {item.job_id: item.headcount for item in entry.jobs.all()} if entry else {}
    error = ""
    if request.method == "POST":
        picked: list[tuple[Job, int]] = []
        for job in jobs:
            if request.POST.get(f"job_{job.pk}") != "on":
                continue
            headcount = id_or_none(request.POST.get(f"headcount_{job.pk}")) or 0
            picked.append((job, headcount))
            chosen[job.pk] = headcount
        try:
            services.fair_entry_register(
                fair=fair, organisation=organisation, by=request.user, jobs=picked
            )
        except Refused as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("已提交参会申请，等待主办机构审核"))
            return redirect("fairs:fair", fair_id=fair.pk)
    rows = [(job, job.pk in chosen, chosen.get(job.pk) or job.headcount) for job in jobs]
    return render(
        request,
        "fairs/register.html",
        {"fair": fair, "organisation": organisation, "rows": rows, "entry": entry, "error": error},
        status=400 if error else 200,
    )


# The pinned jobs' funnel, in its order, with the names the dashboard shows.
PIN_FUNNEL: tuple[tuple[str, StrOrPromise], ...] = (
    ("pin_viewers", gettext_lazy("置顶时在线")),
    ("card_opens", gettext_lazy("看了岗位卡片")),
    ("applied", gettext_lazy("报名")),
    ("intentions", gettext_lazy("达成意向")),
    ("hires", gettext_lazy("入职")),
)


def _stats_context(fair: Fair) -> dict[str, Any]:
    services.fair_report_freeze(fair=fair)
    numbers = stats.fair_numbers(fair=fair)
    rows = fair_summary_rows(numbers=numbers, frozen=fair.report)
    by_day = stats.fair_applications_by_day(fair=fair)
    rooms = stats.fair_rooms_numbers(fair=fair)
    pinned = stats.fair_funnel(rooms=rooms)
    funnel_keys = ("applications", "intentions", "interviews", "offers", "signed", "hires")
    return {
        "fair": fair,
        "rows": rows,
        "by_day": by_day,
        "rooms": rooms,
        "pin_funnel": [(label, pinned[key]) for key, label in PIN_FUNNEL],
        "pin_funnel_keys": [key for key, _label in PIN_FUNNEL],
        "pin_funnel_labels": [label for _key, label in PIN_FUNNEL],
        "by_group": stats.fair_applicants_by_group(fair=fair),
        "by_profile": stats.fair_applicants_by_profile(fair=fair),
        "retention": stats.fair_retention(fair=fair),
        "chart_data": {
            "funnel": [
                [str(label), numbers[key]] for key, label in stats.FIGURES if key in funnel_keys
            ],
            "days": by_day,
            "pinned": [[str(label), pinned[key]] for key, label in PIN_FUNNEL],
        },
        "frozen_at": fair.report_frozen_at,
        "by_organisation": stats.fair_numbers_by_organisation(fair=fair),
        "by_invite": stats.fair_numbers_by_invite(fair=fair),
        "refresh_s": STATS_REFRESH_S,
        "updated_at": timezone.now(),
    }


@login_required
@require_GET
def fair_stats_page(request: HtmxRequest, fair_id: int) -> HttpResponse:
    """/fairs/<id>/stats/ — the numbers, refreshed every few seconds while the page is open."""
    assert request.user.is_authenticated
    fair = selectors.fair_for_bureau_member(
        user=request.user,
        fair_id=fair_id,
        power=Power.STATS_SEE,  # type: ignore[arg-type]
    )
    template = "fairs/_stats_numbers.html" if request.htmx else "fairs/stats.html"
    return render(request, template, _stats_context(fair))


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def fair_export_csv(request: AuthenticatedRequest, fair_id: int) -> StreamingHttpResponse:
    """The report as CSV (UTF-8 with BOM, so Excel reads the Chinese): the figures, then one
    line per application, streamed."""
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.STATS_SEE
    )
    services.fair_report_freeze(fair=fair)
    numbers = stats.fair_numbers(fair=fair)
    writer = csv.writer(_Echo())

    def lines():  # type: ignore[no-untyped-def]
        yield "\ufeff"
        yield writer.writerow([_("指标"), _("实时"), _("定稿")])
        for label, live, frozen in fair_summary_rows(numbers=numbers, frozen=fair.report):
            yield writer.writerow([label, live, "" if frozen is None else frozen])
        yield writer.writerow([])
        yield writer.writerow(
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
        for row in stats.fair_application_rows(fair=fair):
            at = local_time_text(row[1])
            yield writer.writerow([row[0], at, *row[2:]])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-{fair.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def fair_export_xlsx(request: AuthenticatedRequest, fair_id: int) -> FileResponse:
    fair = selectors.fair_for_bureau_member(
        user=request.user, fair_id=fair_id, power=Power.STATS_SEE
    )
    services.fair_report_freeze(fair=fair)
    return fair_report_xlsx(fair=fair, filename=f"fair-{fair.pk}.xlsx")
