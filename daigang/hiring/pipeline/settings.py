"""An organisation's own pipeline settings: its extra stages and its rejection reasons.

Both are archived, never deleted, once in use: history rows point at them and must keep
reading the same way years later.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.accounts.models import Organisation
from daigang.core.languages import site_language
from daigang.hiring.models import STAGE_ROAD, Application, OrganisationStage, RejectionReason
from daigang.hiring.pipeline.message_templates import message_template_check
from daigang.hiring.pipeline.selectors import rejection_reasons_of
from daigang.hiring.pipeline.services import MESSAGE_UNKNOWN_REASON

STAGE_NAME_MAX = 20
REASON_NAME_MAX = 30
MESSAGE_MAX = 300

# Seeded when an organisation is verified; each can then be edited or archived.
DEFAULT_REJECTION_REASONS: tuple[tuple[str, str], ...] = (
    (
        gettext_noop("年龄不符"),
        gettext_noop(
            "{name}您好，感谢您报名{organisation}的“{job}”。很遗憾，您的年龄不在这个岗位的"
            "要求范围内，这次不能录用。欢迎看看我们的其他岗位。"
        ),
    ),
    (
        gettext_noop("已招满"),
        gettext_noop(
            "{name}您好，感谢您报名{organisation}的“{job}”。这个岗位已经招满了，"
            "有新名额时我们会在直播间发布，欢迎再来报名。"
        ),
    ),
    (
        gettext_noop("联系不上"),
        gettext_noop(
            "{name}您好，{organisation}多次打电话联系您报名的“{job}”，都没有接通，"
            "这次报名先结束。如果您还想去，欢迎重新报名。"
        ),
    ),
    (
        gettext_noop("面试未通过"),
        gettext_noop(
            "{name}您好，感谢您参加{organisation}“{job}”的面试。很遗憾这次没有通过，"
            "祝您早日找到合适的工作。"
        ),
    ),
    (
        gettext_noop("其他原因"),
        gettext_noop(
            "{name}您好，感谢您报名{organisation}的“{job}”。经过考虑，这次暂时不合适，"
            "欢迎关注我们的其他岗位。"
        ),
    ),
)


def rejection_reasons_seed(*, organisation: Organisation) -> list[RejectionReason]:
    """Give `organisation` the default rejection reasons; return its active reasons.

    Called when an organisation is verified (and by the demo loader), never from a page
    view: a GET writes nothing. The texts are stored in the site's language whoever acts,
    because they are sent to seekers later; an owner browsing in English must not make
    Chinese seekers receive English messages.

    Seeded only when it has never had any (archived ones count), so an organisation that
    removed the defaults does not get them back. Safe to call concurrently: the seeding runs
    under a lock on the organisation row.
    """
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if not RejectionReason.objects.filter(organisation=organisation).exists():
            with site_language():
                RejectionReason.objects.bulk_create(
                    RejectionReason(
                        organisation=organisation,
                        name=_(name),
                        message_template=_(template),
                        order=index,
                    )
                    for index, (name, template) in enumerate(DEFAULT_REJECTION_REASONS)
                )
    return rejection_reasons_of(organisation=organisation)


def _message_template_clean(raw: str) -> str:
    template = (raw or "").strip()
    if not template:
        raise ValidationError(_("请填写发给求职者的消息"), code="message_required")
    if len(template) > MESSAGE_MAX:
        raise ValidationError(
            _("消息最多%(max)d个字") % {"max": MESSAGE_MAX}, code="message_too_long"
        )
    message_template_check(template)
    return template


def _name_clean(raw: str, *, max_length: int, what: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError(_("请填写%(what)s") % {"what": what}, code="name_required")
    if len(name) > max_length:
        raise ValidationError(
            _("%(what)s最多%(max)d个字") % {"what": what, "max": max_length},
            code="name_too_long",
        )
    return name


def rejection_reason_save(
    *,
    organisation: Organisation,
    name: str,
    message_template: str,
    reason: RejectionReason | None = None,
) -> RejectionReason:
    """Add a rejection reason, or edit `reason` (of this organisation)."""
    name = _name_clean(name, max_length=REASON_NAME_MAX, what=_("原因"))
    template = _message_template_clean(message_template)
    duplicate = RejectionReason.objects.filter(organisation=organisation, name=name, is_active=True)
    if reason is not None:
        if reason.organisation_id != organisation.pk:
            raise ValidationError(_(MESSAGE_UNKNOWN_REASON), code="unknown_reason")
        duplicate = duplicate.exclude(pk=reason.pk)
    if duplicate.exists():
        raise ValidationError(_("已经有“%(name)s”这个原因了") % {"name": name}, code="duplicate")
    if reason is None:
        order = (
            RejectionReason.objects.filter(organisation=organisation).aggregate(m=Max("order"))["m"]
            or 0
        )
        return RejectionReason.objects.create(
            organisation=organisation, name=name, message_template=template, order=order + 1
        )
    reason.name = name
    reason.message_template = template
    reason.save(update_fields=["name", "message_template"])
    return reason


def rejection_reason_archive(*, reason: RejectionReason) -> None:
    """Take a reason off the list; rejections that used it keep showing it. Idempotent."""
    if reason.is_active:
        reason.is_active = False
        reason.save(update_fields=["is_active"])


def organisation_stage_add(
    *, organisation: Organisation, name: str, after_stage: str
) -> OrganisationStage:
    """Add the organisation's own stage after built-in `after_stage` (last among its peers)."""
    name = _name_clean(name, max_length=STAGE_NAME_MAX, what=_("阶段名称"))
    if after_stage not in STAGE_ROAD[:-1]:
        raise ValidationError(_("请选择放在哪个阶段之后"), code="after_stage_invalid")
    if OrganisationStage.objects.filter(
        organisation=organisation, name=name, is_active=True
    ).exists():
        raise ValidationError(_("已经有“%(name)s”这个阶段了") % {"name": name}, code="duplicate")
    order = (
        OrganisationStage.objects.filter(
            organisation=organisation, after_stage=after_stage
        ).aggregate(m=Max("order"))["m"]
        or 0
    )
    return OrganisationStage.objects.create(
        organisation=organisation, name=name, after_stage=after_stage, order=order + 1
    )


def organisation_stage_archive(*, stage: OrganisationStage) -> None:
    """Remove a stage from the board. Refused while applications are still in it."""
    if Application.objects.filter(custom_stage=stage).exists():
        raise ValidationError(
            _("还有报名在“%(name)s”阶段，请先把它们移走") % {"name": stage.name},
            code="stage_in_use",
        )
    if stage.is_active:
        stage.is_active = False
        stage.save(update_fields=["is_active"])
