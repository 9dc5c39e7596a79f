"""What a report can be about: a job, a room, an organisation, a chat message or a clause of
a contract, resolved from (kind, id) to what the case needs: the responsible organisation,
a label, the text as it is now with a version of it, and where to see it.

A person may report only what they can see: a public job, room or organisation, a message in
a public room, a clause of their own contract. Anything else is 404.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from daigang.accounts.models import Organisation, User
from daigang.contracts.models import Contract
from daigang.jobs.models import Job, Video
from daigang.jobs.selectors import job_for_public, organisation_public
from daigang.live.models import ChatMessage
from daigang.live.selectors import room_get_public
from daigang.safety.models import Kind


@dataclass(frozen=True)
class Target:
    kind: str
    target_id: int
    organisation: Organisation
    label: str
    text: str
    version: str
    url: str
    job_id: int | None = None
    room_id: int | None = None


def _version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _video_text(video: Video | None) -> str:
    # A job's or company's introduction video is reported with it (jobs/videos.py): its texts
    # are part of what the moderator reads, and its version changes with a new upload.
    if video is None:
        return ""
    return f"视频：{video.title} {video.description} ({video.sha})".strip()


def _job_text(job: Job) -> str:
    return "\n".join(
        part
        for part in (
            job.title,
            job.kind_of_work,
            f"{job.wage_min_fen / 100:.0f}-{job.wage_max_fen / 100:.0f} {job.get_wage_unit_display()}",
            job.address,
            job.duties,
            job.requirements,
            job.employer_name,
            _video_text(Video.objects.filter(job=job).first()),
        )
        if part
    )


def clause_paragraphs(contract: Contract) -> list[str]:
    """The contract's clauses as its page shows them: its paragraphs."""
    return [part.strip() for part in contract.body.split("\n") if part.strip()]


def target_resolve(*, kind: str, target_id: int, user: User, clause: int | None = None) -> Target:
    """The thing `user` wants to report; Http404 when it is not theirs to see."""
    if kind == Kind.JOB:
        job = job_for_public(job_id=target_id, user=None)
        return Target(
            kind=kind,
            target_id=job.pk,
            organisation=job.organisation,
            label=job.title,
            text=_job_text(job),
            version=_version(_job_text(job)),
            url=reverse("jobs:detail", args=[job.pk]),
            job_id=job.pk,
        )
    if kind == Kind.ROOM:
        room = room_get_public(room_id=target_id)
        return Target(
            kind=kind,
            target_id=room.pk,
            organisation=room.organisation,
            label=room.title,
            text=room.title,
            version=_version(room.title),
            url=reverse("live:room", args=[room.pk]),
            room_id=room.pk,
        )
    if kind == Kind.ORGANISATION:
        organisation = organisation_public(organisation_id=target_id)
        company_video = Video.objects.filter(organisation=organisation, job__isnull=True).first()
        text = "\n".join(
            part
            for part in (organisation.name, organisation.description, _video_text(company_video))
            if part
        )
        return Target(
            kind=kind,
            target_id=organisation.pk,
            organisation=organisation,
            label=organisation.name,
            text=text,
            version=_version(text),
            url=reverse("jobs:organisation", args=[organisation.pk]),
        )
    if kind == Kind.MESSAGE:
        message = ChatMessage.objects.filter(pk=target_id).first()
        if message is None:
            raise Http404
        room = room_get_public(room_id=message.room_id)
        return Target(
            kind=kind,
            target_id=message.pk,
            organisation=room.organisation,
            label=f"{room.title}: {message.text[:40]}",
            text=message.text,
            version=_version(f"{message.pk}:{message.text}"),
            url=reverse("live:room", args=[room.pk]),
            room_id=room.pk,
        )
    if kind == Kind.CLAUSE:
        contract = (
            Contract.objects.select_related("organisation")
            .filter(pk=target_id, seeker=user)
            .first()
        )
        if contract is None:
            raise Http404
        paragraphs = clause_paragraphs(contract)
        if clause is not None and 1 <= clause <= len(paragraphs):
            text = f"{clause}. {paragraphs[clause - 1]}"
        else:
            text = contract.body
        return Target(
            kind=kind,
            target_id=contract.pk,
            organisation=contract.organisation,
            label=f"{contract.title} {contract.number}",
            text=text,
            version=contract.content_sha256[:16] or _version(contract.body),
            url=reverse("contracts:seeker_contract", args=[contract.pk]),
        )
    raise Http404
