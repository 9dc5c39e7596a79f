"""Moving applications through the pipeline (阶段): the one place a stage changes.

Every move runs in one transaction that locks the application row, writes the StageChange
history row beside it, and tells the seeker (Notification + SMS on commit). Interviews and
contracts call `application_advance` too; they never write `Application.stage` themselves.

Rules (checked here, under the row lock, so two people moving the same card cannot race):
- the road 已报名 → 已联系 → 达成意向 → 面试 → 录用 → 已签约 → 已入职 runs forwards only; a
  step may be skipped (a seeker called and agreed on the spot), never undone: a stage once
  reported (e.g. "intention reached") stays reported;
- an organisation's own stages sit between the built-in ones and follow the same rule;
- 不合适 (rejected) needs a reason, 已撤回 (withdrawn) is the seeker's alone; both end the
  application, as does 已入职;
- moving to the stage the application is already in does nothing (a retried request is safe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.hooks import hooks_on_commit
from daigang.core.languages import site_language
from daigang.core.refused import Refused
from daigang.hiring.models import (
    STAGE_ROAD,
    Application,
    OrganisationStage,
    RejectionReason,
    Stage,
    StageChange,
    stage_rank,
)
from daigang.hiring.notifications import notification_send
from daigang.hiring.pipeline.message_templates import message_template_fill

CUSTOM_PREFIX = "custom:"

# What happens next, for the seeker, in plain words (shown on 我的报名 and in the SMS).
STAGE_NEXT: dict[str, str] = {
    Stage.APPLIED: gettext_noop("报名已送达，单位会在1–3个工作日内打电话联系您，请留意来电。"),
    Stage.CONTACTED: gettext_noop("单位已和您联系过，正在确认您是否合适，有进展会通知您。"),
    Stage.INTENTION: gettext_noop("您和单位已达成意向，接下来单位会安排面试，请留意面试通知。"),
    Stage.INTERVIEW: gettext_noop("已安排面试，请按通知的时间打开面试链接参加视频面试。"),
    Stage.OFFER: gettext_noop("恭喜，单位决定录用您！请在“我的报名”里查看录用通知并确认。"),
    Stage.SIGNED: gettext_noop("合同已签好，请按约定的日期和地点报到入职。"),
    Stage.ONBOARDED: gettext_noop(
        "您已入职。第7天和第30天我们会问您几个问题：工资、吃住、工作是否和招聘时说的一样。"
    ),
    Stage.REJECTED: gettext_noop("这次没有成功，单位已说明原因。您可以看看其他岗位，继续报名。"),
    Stage.WITHDRAWN: gettext_noop("您已撤回这次报名，单位不会再联系您。"),
}

# Said by more than one module (services, API, settings); written once.
MESSAGE_UNKNOWN_STAGE = gettext_noop("没有这个阶段")
MESSAGE_UNKNOWN_REASON = gettext_noop("没有这个原因")
MESSAGE_NO_SUCH_APPLICATION = gettext_noop("没有这个报名")


def refusal_unknown_reason() -> Refused:
    return Refused("unknown_reason", _(MESSAGE_UNKNOWN_REASON), field="rejection_reason_id")


# A stage change's reason is shown to the organisation (and, on withdrawal, written by the
# seeker): a sentence or two, not a document.
STAGE_REASON_MAX = 500


def stage_next_sentence(stage: str) -> str:
    return _(STAGE_NEXT.get(stage, ""))


def _position(stage: str, custom: OrganisationStage | None) -> tuple[int, int, int]:
    if custom is not None:
        return custom.position
    return (stage_rank(stage), 0, 0)


def stage_target_resolve(
    *, organisation_id: int, to_stage: str
) -> tuple[str, OrganisationStage | None]:
    """Read a stage key ("offer", or "custom:<id>" for an organisation's own) into
    (built-in stage, custom stage or None). Refused unknown_stage for an unknown key."""
    to_stage = (to_stage or "").strip()
    if to_stage.startswith(CUSTOM_PREFIX):
        raw_id = to_stage[len(CUSTOM_PREFIX) :]
        custom = (
            OrganisationStage.objects.filter(
                pk=int(raw_id), organisation_id=organisation_id, is_active=True
            ).first()
            if raw_id.isdigit()
            else None
        )
        if custom is None:
            raise Refused("unknown_stage", _(MESSAGE_UNKNOWN_STAGE), field="to_stage")
        return custom.after_stage, custom
    if to_stage not in Stage.values:
        raise Refused("unknown_stage", _(MESSAGE_UNKNOWN_STAGE), field="to_stage")
    return to_stage, None


def _move_check(
    *,
    application: Application,
    stage: str,
    custom: OrganisationStage | None,
    by: User | None,
    reason: str,
) -> None:
    """Refused unless `by` may move `application` to (stage, custom) now."""
    if len(reason) > STAGE_REASON_MAX:
        raise Refused(
            "reason_too_long", _("原因最多%(max)d个字") % {"max": STAGE_REASON_MAX}, field="reason"
        )
    by_seeker = by is not None and by.pk == application.seeker_id
    if application.is_closed():
        raise Refused(
            "closed",
            _("该报名已是“%(stage)s”，不能再变更阶段") % {"stage": application.stage_label},
        )
    if stage == Stage.WITHDRAWN:
        if not by_seeker:
            raise Refused("not_allowed", _("只有求职者本人可以撤回报名"))
        return
    # Everything else is the organisation's move. The one exception: the seeker's own
    # signature can be the one that completes a contract (daigang.contracts).
    seeker_signs = by_seeker and stage == Stage.SIGNED
    if (
        by is not None
        and not seeker_signs
        # Any member here: owners and HR move applications (the pages and the API let only
        # them in, Power.APPLICATIONS), and an interview panel's verdict moves one too,
        # whoever sits on the panel (anchors may).
        and not membership_has(
            user=by, organisation_id=application.organisation_id, power=Power.ORGANISATION_SEE
        )
    ):
        raise Refused("not_allowed", _("只有该单位的成员可以变更报名阶段"))
    if stage == Stage.REJECTED:
        if not reason.strip():
            raise Refused("reason_required", _("请选择不合适的原因"), field="reason")
        return
    current = _position(application.stage, application.custom_stage)
    target = _position(stage, custom)
    if target < current:
        raise Refused(
            "backwards",
            _("不能从“%(from)s”退回到“%(to)s”：阶段只能向前推进")
            % {
                "from": application.stage_label,
                "to": custom.name if custom else str(Stage(stage).label),
            },
        )


def _seeker_message(*, application: Application, rejection_reason: RejectionReason | None) -> str:
    if application.stage == Stage.REJECTED and rejection_reason is not None:
        return rejection_message_render(
            template=rejection_reason.message_template, application=application
        )
    return _("您报名的“%(job)s”（%(organisation)s）有新进展：%(stage)s。%(next)s") % {
        "job": application.job.title,
        "organisation": application.organisation.name,
        "stage": application.get_stage_display(),
        "next": stage_next_sentence(application.stage),
    }


def rejection_message_render(*, template: str, application: Application) -> str:
    """Fill {name}, {job} and {organisation} into an organisation's message template.

    Anything else in braces stays as typed (see message_templates: never str.format, so a
    template stored before templates were checked cannot blow up the server).
    """
    return message_template_fill(
        template=template,
        values={
            "name": application.name,
            "job": application.job.title,
            "organisation": application.organisation.name,
        },
    )


# Called with (application, stage_reached before, after) once a move that took an application
# further along the road commits. Apps above hiring add to it from their AppConfig.ready()
# (daigang.fairs keeps its intention / interview / offer / hire counters in step).
application_reached_hooks: list[Callable[[Application, int, int], None]] = []


def application_advance(
    *,
    application: Application,
    to_stage: str,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
    rejection_reason: RejectionReason | None = None,
    notify: bool = True,
) -> Application:
    """Move `application` to `to_stage` ("contacted", …, or "custom:<id>"); return it fresh.

    One transaction: lock the row, check the move (Refused if not allowed), update the
    application, write its StageChange (who, when, from → to, reason) and queue the seeker's
    notification (Notification row now, SMS on commit). Moving to the current stage is a no-op.

    `by` is the acting user (None for a system move). For "rejected", `reason` (or a
    `rejection_reason` of the organisation's list) is required; a `reason` equal to the name
    of one of the organisation's rejection reasons picks that reason's message template.
    `notify=False` leaves telling the seeker to the caller (e.g. an interview invitation that
    already says "面试"), so they do not get two texts for one event.
    """
    now = now or timezone.now()
    stage, custom = stage_target_resolve(
        organisation_id=application.organisation_id, to_stage=to_stage
    )
    if rejection_reason is not None:
        if rejection_reason.organisation_id != application.organisation_id:
            raise refusal_unknown_reason()
        reason = reason or rejection_reason.name
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("job", "organisation", "custom_stage", "seeker")
            .get(pk=application.pk)
        )
        if locked.stage == stage and locked.custom_stage_id == (custom.pk if custom else None):
            _copy_stage(source=locked, target=application)
            return locked
        _move_check(application=locked, stage=stage, custom=custom, by=by, reason=reason)
        if stage == Stage.REJECTED and rejection_reason is None:
            rejection_reason = RejectionReason.objects.filter(
                organisation_id=locked.organisation_id, name=reason.strip()
            ).first()
        change = StageChange(
            application=locked,
            from_stage=locked.stage,
            from_custom=locked.custom_stage,
            to_stage=stage,
            to_custom=custom,
            by=by,
            reason=reason.strip(),
            rejection_reason=rejection_reason if stage == Stage.REJECTED else None,
            at=now,
        )
        seeker_sees_change = locked.stage != stage
        locked.stage = stage
        locked.custom_stage = custom
        locked.stage_changed_at = now
        reached_before = locked.stage_reached
        if stage in STAGE_ROAD:
            locked.stage_reached = max(locked.stage_reached, stage_rank(stage))
        if locked.stage_reached > reached_before:
            hooks_on_commit(application_reached_hooks, locked, reached_before, locked.stage_reached)
        locked.save(update_fields=["stage", "custom_stage", "stage_changed_at", "stage_reached"])
        change.save(force_insert=True)
        # The seeker hears about moves that change what they see (not the organisation's
        # internal sub-stages) and not about their own withdrawal.
        by_seeker = by is not None and by.pk == locked.seeker_id
        if notify and seeker_sees_change and not by_seeker:
            with site_language():
                notification_send(
                    user=locked.seeker,
                    about=locked,
                    text=_seeker_message(application=locked, rejection_reason=rejection_reason),
                    url=f"{reverse('hiring:my_applications')}#application-{locked.pk}",
                )
    _copy_stage(source=locked, target=application)
    return locked


def _copy_stage(*, source: Application, target: Application) -> None:
    """Keep a caller's in-memory instance in step with the row (it may be reused)."""
    if source is target:
        return
    target.stage = source.stage
    target.custom_stage_id = source.custom_stage_id
    target.stage_changed_at = source.stage_changed_at
    target.stage_reached = source.stage_reached


def application_reject(
    *,
    application: Application,
    rejection_reason: RejectionReason,
    by: User | None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """不合适: end the application with one of the organisation's reasons; the seeker is sent
    that reason's message."""
    reason = rejection_reason.name + (f"：{comment.strip()}" if comment.strip() else "")
    return application_advance(
        application=application,
        to_stage=Stage.REJECTED,
        by=by,
        reason=reason,
        now=now,
        rejection_reason=rejection_reason,
    )


def application_withdraw(
    *, application: Application, seeker: User, reason: str = "", now: dt.datetime | None = None
) -> Application:
    """The seeker withdraws their own application (已撤回). Withdrawing twice is a no-op."""
    return application_advance(
        application=application, to_stage=Stage.WITHDRAWN, by=seeker, reason=reason, now=now
    )


@dataclass
class BulkResult:
    """What a bulk move did: the ids moved (or already there) and, per skipped id, why."""

    moved: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def applications_bulk_advance(
    *,
    organisation: Organisation,
    application_ids: Iterable[int],
    to_stage: str,
    by: User,
    reason: str = "",
    rejection_reason: RejectionReason | None = None,
    now: dt.datetime | None = None,
) -> BulkResult:
    """Move several of `organisation`'s applications at once (bulk move / bulk reject).

    Each application moves in its own transaction with its own history row, so one that
    may not move (already ended, would go backwards) is reported in `skipped` and does not
    hold back the rest. Ids of other organisations are skipped as "没有这个报名".
    """
    ids = sorted({int(application_id) for application_id in application_ids})
    applications = {
        application.pk: application
        for application in Application.objects.filter(organisation=organisation, pk__in=ids)
    }
    result = BulkResult()
    for application_id in ids:
        application = applications.get(application_id)
        if application is None:
            result.skipped[application_id] = _(MESSAGE_NO_SUCH_APPLICATION)
            continue
        try:
            application_advance(
                application=application,
                to_stage=to_stage,
                by=by,
                reason=reason,
                now=now,
                rejection_reason=rejection_reason,
            )
        except Refused as error:
            result.skipped[application_id] = error.message
        else:
            result.moved.append(application_id)
    return result
