"""Pages of the matchmaking app.

Seeker: /me/profile/ 求职资料, /me/recommended/ 为您推荐 (also the home page's section, and
不感兴趣), /me/matchmakers/ 谁在跟进我 (consent, leave, book or cancel a guidance call 职业指导),
/m/<token>/ a matchmaker's invite. Organisation: /manage/<org>/caseload/ (the matchmaker's
caseload; the owner's or operator's assignment form; the matchmaker's guidance slots), one
seeker's page with follow-ups, 为TA推荐 and recommendations, /manage/<org>/matchmakers/ the
numbers per matchmaker; a bureau's /manage/<org>/assistance/ (帮扶名单,
daigang.matchmaking.assistance). Views parse input and call services and
selectors; every organisation page checks the member's power at each request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_get, membership_has
from daigang.accounts.services.profiles import seeker_profile_of, seeker_profile_save
from daigang.core.qr import qr_svg
from daigang.core.refused import Refused, refused_to_form
from daigang.courses.selectors import certificates_of, courses_suggested
from daigang.hiring import phone_views
from daigang.jobs.models import Job
from daigang.jobs.selectors import job_for_public, jobs_open
from daigang.matchmaking import assistance, guidance, selectors, services
from daigang.matchmaking.forms import (
    AssignForm,
    AssistanceAssignForm,
    AssistanceSettingsForm,
    FollowUpForm,
    GuidanceSlotsForm,
    ProfileForm,
    RecommendForm,
)
from daigang.matchmaking.models import Case

RECOMMEND_JOBS_MAX = 200
# 为您推荐: how many jobs the home page's section shows, and the page of its own.
RECOMMENDED_ON_HOME = 3
RECOMMENDED_ON_PAGE = 20
RECOMMENDED_FOR_MATCHMAKER = 10


# --- the seeker --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile_page(request: AuthenticatedRequest) -> HttpResponse:
    """/me/profile/ — 求职资料: optional; saved whole each time."""
    profile = seeker_profile_of(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                seeker_profile_save(user=request.user, data=form.profile_data())
            except Refused as refused:
                refused_to_form(form, refused)
            else:
                messages.success(request, _("求职资料已保存"))
                return redirect("matchmaking:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_from(profile))
    return render(
        request,
        "matchmaking/profile.html",
        {"form": form, "profile": profile, "certificates": certificates_of(user=request.user)},
    )


def recommended_fragment_url(user: User) -> str:
    """jobs.selectors.home_fragments_hooks: the home page of every logged-in user loads 为您推荐
    after itself (a member with no profile and no applications is asked to fill one in)."""
    return reverse("matchmaking:recommended")


@login_required
@require_GET
def recommended(request: AuthenticatedRequest) -> HttpResponse:
    """/me/recommended/ — 为您推荐: the home page's section when htmx asks, a page otherwise
    (pages work without JavaScript)."""
    limit = RECOMMENDED_ON_HOME if request.htmx else RECOMMENDED_ON_PAGE
    items = selectors.jobs_recommended(user=request.user, limit=limit)
    context = {
        "items": items,
        "has_profile": bool(items) or selectors.seeker_has_profile(user=request.user),
        "on_home": bool(request.htmx),
        # Free courses for a kind of work wanted whose certificate the seeker lacks.
        "courses": courses_suggested(user=request.user),
    }
    template = "matchmaking/_recommended.html" if request.htmx else "matchmaking/recommended.html"
    return render(request, template, context)


@login_required
@require_POST
def dismiss(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    """不感兴趣: the job leaves the seeker's recommendations (again: nothing changes)."""
    job = job_for_public(job_id=job_id, user=request.user)
    services.job_dismiss(seeker=request.user, job=job)
    if request.htmx:
        return HttpResponse("")  # the item is swapped for nothing
    messages.success(request, _("已移除，不会再向您推荐这个岗位"))
    return redirect("matchmaking:recommended")


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """/me/matchmakers/ — 谁在跟进我: who follows the seeker or asks to; agree or leave; book
    a guidance call (职业指导) with those who follow them."""
    cases = selectors.cases_of_seeker(seeker=request.user)
    slots = selectors.guidance_for_seeker(seeker=request.user, cases=cases)
    rows = [
        (case, services.consent_text(membership=case.membership), slots.get(case.pk))
        for case in cases
    ]
    return render(request, "matchmaking/mine.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_POST
def guidance_book(request: AuthenticatedRequest, slot_id: int) -> HttpResponse:
    """The seeker books a guidance slot; a slot just taken by someone else says so."""
    slot = selectors.guidance_slot_for_seeker(seeker=request.user, slot_id=slot_id)
    try:
        guidance.guidance_slot_book(
            slot=slot, seeker=request.user, link_base=request.build_absolute_uri("/")
        )
    except Refused as refused:
        if refused.status == 404:
            raise Http404 from refused
        messages.error(request, refused.message)
    else:
        messages.success(request, _("预约成功，已发短信提醒；到时在“我的面试”里进入职业指导"))
    return redirect("matchmaking:mine")


@login_required
@require_POST
def guidance_unbook(request: AuthenticatedRequest, slot_id: int) -> HttpResponse:
    slot = selectors.guidance_slot_for_seeker(seeker=request.user, slot_id=slot_id)
    try:
        guidance.guidance_booking_cancel(slot=slot, seeker=request.user)
    except Refused as refused:
        if refused.status == 404:
            raise Http404 from refused
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已取消预约"))
    return redirect("matchmaking:mine")


def _own_case(request: AuthenticatedRequest, case_id: int) -> Case:
    return get_object_or_404(Case, pk=case_id, seeker=request.user)


@login_required
@require_POST
def consent(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _own_case(request, case_id)
    try:
        services.case_consent(case=case, seeker=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已同意，对方现在可以看到您的报名进展"))
    return redirect("matchmaking:mine")


@login_required
@require_POST
def leave(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _own_case(request, case_id)
    services.case_leave(case=case, seeker=request.user)
    messages.success(request, _("已退出，对方不能再看到您的信息"))
    return redirect("matchmaking:mine")


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedRequest, invite_token: str) -> HttpResponse:
    """/m/<token>/ — a matchmaker's invite: what they will see, and 同意 to join."""
    link = selectors.invite_link_get(token=invite_token)
    if request.method == "POST":
        try:
            services.case_join_by_invite(link=link, seeker=request.user)
        except Refused as refused:
            if refused.status == 404:
                raise Http404 from refused
            messages.error(request, refused.message)
        else:
            messages.success(request, _("已加入，对方现在可以看到您的报名进展"))
            return redirect("matchmaking:mine")
    return render(
        request,
        "matchmaking/invite.html",
        {"link": link, "consent_text": services.consent_text(membership=link.membership)},
    )


# --- the organisation --------------------------------------------------------------------------


def _caseload_context(request: AuthenticatedRequest, organisation_id: int) -> dict:
    """The caseload page's organisation and what the user may do there (404 if nothing)."""
    matchmaker = selectors.matchmaker_membership(user=request.user, organisation_id=organisation_id)
    assigner = membership_get(
        user=request.user, organisation_id=organisation_id, power=Power.CASELOAD_ASSIGN
    )
    if matchmaker is None and assigner is None:
        raise Http404
    organisation = selectors.caseload_organisation_for(
        user=request.user,
        organisation_id=organisation_id,
        power=Power.CASELOAD if matchmaker is not None else Power.CASELOAD_ASSIGN,
    )
    return {
        "organisation": organisation,
        "matchmaker": matchmaker,
        "may_assign": assigner is not None,
    }


@login_required
@require_GET
def invite_qr(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/caseload/invite.svg — the matchmaker's invite link as a QR code, to show
    on the phone or print on a poster (the matchmaker's own; anyone else 404)."""
    matchmaker = selectors.matchmaker_membership(user=request.user, organisation_id=organisation_id)
    if matchmaker is None:
        raise Http404
    link = services.invite_link_for(membership=matchmaker)
    url = request.build_absolute_uri(reverse("matchmaking:invite", args=[link.token]))
    response = HttpResponse(qr_svg(url, title=_("就业服务专员邀请")), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="invite.svg"'
    return response


@login_required
@require_GET
def caseload(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/caseload/ — the matchmaker's seekers, overdue follow-ups first."""
    context = _caseload_context(request, organisation_id)
    return _caseload_render(request, context, AssignForm(matchmakers=_matchmakers(context)))


def _matchmakers(context: dict) -> list:
    return selectors.matchmakers_of(organisation=context["organisation"])


def _caseload_render(
    request: AuthenticatedRequest, context: dict, form: AssignForm, *, status: int = 200
) -> HttpResponse:
    matchmaker = context["matchmaker"]
    if matchmaker is not None:
        context["rows"] = selectors.caseload_rows(membership=matchmaker)
        context["invite_link"] = services.invite_link_for(membership=matchmaker)
        context["slots"] = selectors.guidance_slots_of_matchmaker(membership=matchmaker)
        context.setdefault("slots_form", GuidanceSlotsForm())
    context["form"] = form
    context["today"] = timezone.localdate()
    context["may_see_numbers"] = membership_has(
        user=request.user, organisation_id=context["organisation"].pk, power=Power.STATS_SEE
    )
    return render(request, "matchmaking/caseload.html", context, status=status)


@login_required
@require_POST
def guidance_open(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """The matchmaker opens guidance slots (one or several back to back)."""
    matchmaker = selectors.matchmaker_membership(user=request.user, organisation_id=organisation_id)
    if matchmaker is None:
        raise Http404
    context = _caseload_context(request, organisation_id)
    form = GuidanceSlotsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["start"]))
        try:
            slots = guidance.guidance_slots_open(
                membership=matchmaker,
                by=request.user,
                starts_at=starts_at,
                length_minutes=data["length_minutes"],
                count=data["count"],
                batch_key=data["batch_key"],
            )
        except Refused as refused:
            if refused.status == 404:
                raise Http404 from refused
            refused_to_form(form, refused)
        else:
            messages.success(request, _("已开放%(count)d个职业指导时段") % {"count": len(slots)})
            return redirect("matchmaking:caseload", organisation_id)
    context["slots_form"] = form
    return _caseload_render(
        request, context, AssignForm(matchmakers=_matchmakers(context)), status=400
    )


@login_required
@require_POST
def guidance_cancel(
    request: AuthenticatedRequest, organisation_id: int, slot_id: int
) -> HttpResponse:
    slot = selectors.guidance_slot_for_matchmaker(
        user=request.user, organisation_id=organisation_id, slot_id=slot_id
    )
    try:
        guidance.guidance_slot_cancel(slot=slot, by=request.user)
    except Refused as refused:
        if refused.status == 404:
            raise Http404 from refused
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已取消该时段"))
    return redirect("matchmaking:caseload", organisation_id)


@login_required
@require_POST
def assign(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """An owner or operator assigns a seeker, by phone, to one of the matchmakers."""
    organisation = selectors.caseload_organisation_for(
        user=request.user, organisation_id=organisation_id, power=Power.CASELOAD_ASSIGN
    )
    context = _caseload_context(request, organisation_id)
    matchmakers = selectors.matchmakers_of(organisation=organisation)
    form = AssignForm(request.POST, matchmakers=matchmakers)
    if form.is_valid():
        chosen = next(m for m in matchmakers if m.pk == form.cleaned_data["matchmaker"])
        try:
            services.case_assign(
                organisation=organisation,
                matchmaker=chosen,
                phone=form.cleaned_data["phone"],
                by=request.user,
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            messages.success(request, _("已分配，等待求职者同意"))
            return redirect("matchmaking:caseload", organisation.pk)
    return _caseload_render(request, context, form)


def _case_render(
    request: AuthenticatedRequest,
    case: Case,
    *,
    follow_up_form: FollowUpForm | None = None,
    recommend_form: RecommendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    jobs = list(jobs_open().select_related("organisation")[:RECOMMEND_JOBS_MAX])
    organisation = case.membership.organisation
    if case.consent_active:
        # The full phone is shown: the audit log has the view.
        phone_views.phone_views_record_seeker(
            viewer=request.user,
            organisation_id=organisation.pk,
            seeker_id=case.seeker_id,
            source=phone_views.SOURCE_CASELOAD,
        )
    context = {
        "organisation": organisation,
        "case": case,
        "profile": seeker_profile_of(user=case.seeker) if case.consent_active else None,
        "applications": (
            list(selectors.seeker_applications(seeker_id=case.seeker_id))
            if case.consent_active
            else []
        ),
        "progress": (
            selectors.seeker_progress(seeker_id=case.seeker_id) if case.consent_active else None
        ),
        "follow_ups": list(case.follow_ups.all()[:50]),
        "slots": selectors.guidance_slots_of_case(case=case) if case.consent_active else [],
        "recommendations": list(case.recommendations.select_related("job__organisation")[:50]),
        "recommended": (
            selectors.jobs_recommended(user=case.seeker, limit=RECOMMENDED_FOR_MATCHMAKER)
            if case.consent_active
            else []
        ),
        "follow_up_form": follow_up_form or FollowUpForm(),
        "recommend_form": recommend_form or RecommendForm(jobs=jobs),
    }
    return render(request, "matchmaking/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: AuthenticatedRequest, organisation_id: int, case_id: int) -> HttpResponse:
    case = selectors.case_for_matchmaker(
        user=request.user, organisation_id=organisation_id, case_id=case_id
    )
    return _case_render(request, case)


@login_required
@require_POST
def follow_up(request: AuthenticatedRequest, organisation_id: int, case_id: int) -> HttpResponse:
    case = selectors.case_for_matchmaker(
        user=request.user, organisation_id=organisation_id, case_id=case_id
    )
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_log(
                case=case,
                by=request.user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                next_on=form.cleaned_data["next_on"],
                client_key=form.cleaned_data["client_key"],
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            messages.success(request, _("跟进已记录"))
            return redirect("matchmaking:case", organisation_id, case.pk)
    return _case_render(request, case, follow_up_form=form, status=400)


@login_required
@require_POST
def recommend(request: AuthenticatedRequest, organisation_id: int, case_id: int) -> HttpResponse:
    case = selectors.case_for_matchmaker(
        user=request.user, organisation_id=organisation_id, case_id=case_id
    )
    jobs = list(jobs_open().select_related("organisation")[:RECOMMEND_JOBS_MAX])
    # A job from 为TA推荐 may be older than the newest RECOMMEND_JOBS_MAX: it is a choice too.
    posted = request.POST.get("job", "")
    if posted.isdigit() and all(job.pk != int(posted) for job in jobs):
        jobs += list(jobs_open().filter(pk=int(posted)))
    form = RecommendForm(request.POST, jobs=jobs)
    if form.is_valid():
        job = get_object_or_404(
            Job.objects.select_related("organisation"), pk=form.cleaned_data["job"]
        )
        try:
            services.job_recommend(
                case=case, job=job, by=request.user, note=form.cleaned_data["note"]
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            messages.success(request, _("已推荐，求职者会收到通知和短信"))
            return redirect("matchmaking:case", organisation_id, case.pk)
    return _case_render(request, case, recommend_form=form, status=400)


@login_required
@require_GET
def numbers(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/matchmakers/ — per matchmaker: caseload, placements, median days to hire."""
    organisation = selectors.caseload_organisation_for(
        user=request.user, organisation_id=organisation_id, power=Power.STATS_SEE
    )
    rows = selectors.matchmaker_numbers(organisation=organisation)
    context = {"organisation": organisation, "rows": rows}
    if organisation.kind == Organisation.Kind.BUREAU:
        context["assistance_numbers"] = assistance.assistance_numbers(bureau=organisation)
        context["may_assist"] = membership_has(
            user=request.user, organisation_id=organisation.pk, power=Power.ASSISTANCE
        )
    return render(request, "matchmaking/numbers.html", context)


# --- the bureau's assistance list (帮扶) ---------------------------------------------------------


def _assistance_render(
    request: AuthenticatedRequest,
    bureau: Organisation,
    *,
    settings_form: AssistanceSettingsForm | None = None,
    assign_error: str = "",
    status: int = 200,
) -> HttpResponse:
    listing = assistance.assistance_list(bureau=bureau)
    matchmakers = selectors.matchmakers_of(organisation=bureau)
    settings = listing.settings
    context = {
        "organisation": bureau,
        "listing": listing,
        "helped": assistance.assistance_helped(bureau=bureau),
        "numbers": assistance.assistance_numbers(bureau=bureau),
        "matchmakers": matchmakers,
        "assign_error": assign_error,
        "settings_form": settings_form
        or AssistanceSettingsForm(
            initial={
                "applications_min": settings.applications_min,
                "interviews_min": settings.interviews_min,
                "window_days": settings.window_days,
            }
        ),
    }
    return render(request, "matchmaking/assistance.html", context, status=status)


@login_required
@require_GET
def assistance_page(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/assistance/ — 帮扶名单: who keeps failing to be hired, and who was helped."""
    bureau = assistance.assistance_bureau_for(user=request.user, organisation_id=organisation_id)
    return _assistance_render(request, bureau)


@login_required
@require_POST
def assistance_settings(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    bureau = assistance.assistance_bureau_for(user=request.user, organisation_id=organisation_id)
    form = AssistanceSettingsForm(request.POST)
    if form.is_valid():
        try:
            assistance.assistance_settings_save(
                organisation=bureau, by=request.user, **form.cleaned_data
            )
        except Refused as refused:
            refused_to_form(form, refused)
        else:
            messages.success(request, _("帮扶条件已保存"))
            return redirect("matchmaking:assistance", bureau.pk)
    return _assistance_render(request, bureau, settings_form=form, status=400)


@login_required
@require_POST
def assistance_assign(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """Assign one seeker of the list to a matchmaker; a second time changes nothing."""
    bureau = assistance.assistance_bureau_for(user=request.user, organisation_id=organisation_id)
    matchmakers = selectors.matchmakers_of(organisation=bureau)
    form = AssistanceAssignForm(request.POST, matchmakers=matchmakers)
    if not form.is_valid():
        return _assistance_render(
            request, bureau, assign_error=_("请选择一位就业服务专员"), status=400
        )
    chosen = next(m for m in matchmakers if m.pk == form.cleaned_data["matchmaker"])
    try:
        assistance.assistance_assign(
            organisation=bureau,
            seeker_id=form.cleaned_data["seeker"],
            matchmaker=chosen,
            by=request.user,
        )
    except Refused as refused:
        return _assistance_render(
            request, bureau, assign_error=refused.message, status=refused.status
        )
    messages.success(request, _("已分配，求职者同意后专员才能看到其信息"))
    return redirect("matchmaking:assistance", bureau.pk)
