"""Notes and tags an organisation puts on its applications (only its members see them)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.hiring.models import Application, Note, Tag

NOTE_MAX = 2000
TAG_MAX = 20


def note_add(*, application: Application, author: User, text: str) -> Note:
    """Add a note to `application`. Blank notes are refused."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("备注不能为空"), code="note_required")
    if len(text) > NOTE_MAX:
        raise ValidationError(_("备注最多%(max)d个字") % {"max": NOTE_MAX}, code="note_too_long")
    return Note.objects.create(application=application, author=author, text=text)


def tag_get_or_create(*, organisation: Organisation, name: str) -> Tag:
    """The organisation's tag called `name`, made if new (a race on the name is harmless)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("请填写标签"), code="tag_required")
    if len(name) > TAG_MAX:
        raise ValidationError(_("标签最多%(max)d个字") % {"max": TAG_MAX}, code="tag_too_long")
    tag = Tag.objects.filter(organisation=organisation, name=name).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(organisation=organisation, name=name)
    except IntegrityError:
        return Tag.objects.get(organisation=organisation, name=name)


def application_tag_add(*, application: Application, name: str) -> Tag:
    """Put the tag `name` on the application (adding it twice is a no-op)."""
    tag = tag_get_or_create(organisation=application.organisation, name=name)
    application.tags.add(tag)
    return tag


def application_tag_remove(*, application: Application, tag_id: int) -> None:
    """Take a tag off the application (a tag it does not have is ignored)."""
    application.tags.remove(*Tag.objects.filter(pk=tag_id, organisation=application.organisation))


def applications_bulk_tag(
    *, organisation: Organisation, application_ids: Iterable[int], name: str
) -> int:
    """Tag several of the organisation's applications at once; returns how many."""
    tag = tag_get_or_create(organisation=organisation, name=name)
    ids = list(
        Application.objects.filter(
            organisation=organisation, pk__in=list(application_ids)
        ).values_list("pk", flat=True)
    )
    through = Application.tags.through
    through.objects.bulk_create(
        [through(application_id=pk, tag_id=tag.pk) for pk in ids], ignore_conflicts=True
    )
    return len(ids)
