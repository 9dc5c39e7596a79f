"""The retention job (`manage.py privacy_retention`, daily from cron): personal data is kept
no longer than its purpose needs (PIPL art. 19).

- An application that never reached 已签约 and has seen no activity (its last stage change, or
  its creation) for PRIVACY_UNHIRED_RETENTION_DAYS is deleted, with its history, notes,
  interview seats and unsigned offers.
- A deleted account's applications that did reach 已签约 (kept anonymised as the record behind a
  labour contract) go PRIVACY_SIGNED_RETENTION_DAYS after their last activity, with their
  contracts.

Running it twice deletes nothing the second time: it only ever selects by age.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from daigang.accounts.models import DELETED_PHONE_PREFIX
from daigang.contracts.models import Contract
from daigang.hiring.models import STAGE_ROAD, Application, Stage

SIGNED_RANK = STAGE_ROAD.index(Stage.SIGNED)
BATCH = 500


@dataclass(frozen=True)
class RetentionResult:
    unhired_deleted: int
    signed_deleted: int


def _last_activity_before(cutoff: dt.datetime) -> QuerySet[Application]:
    return Application.objects.annotate(
        last_activity=Coalesce("stage_changed_at", "created_at")
    ).filter(last_activity__lt=cutoff)


def _delete_in_batches(queryset: QuerySet[Application]) -> int:
    deleted = 0
    while True:
        ids = list(queryset.order_by("id").values_list("id", flat=True)[:BATCH])
        if not ids:
            return deleted
        with transaction.atomic():
            # A contract protects its offer: it goes first; its PDF file once that is committed.
            contracts = list(Contract.objects.filter(application_id__in=ids))
            for contract in contracts:
                if contract.pdf:
                    transaction.on_commit(
                        lambda f=contract.pdf: f.storage.delete(f.name)  # type: ignore[misc]
                    )
            Contract.objects.filter(pk__in=[c.pk for c in contracts]).delete()
            Application.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def applications_retention_run(*, now: dt.datetime | None = None) -> RetentionResult:
    """Delete what is past its retention period (see the module docstring)."""
    at = now or timezone.now()
    unhired_cutoff = at - dt.timedelta(days=settings.PRIVACY_UNHIRED_RETENTION_DAYS)
    signed_cutoff = at - dt.timedelta(days=settings.PRIVACY_SIGNED_RETENTION_DAYS)
    unhired = (
        _last_activity_before(unhired_cutoff)
        .filter(stage_reached__lt=SIGNED_RANK)
        # A contract signed by both sides is a legal record whatever the stage says.
        .exclude(contracts__signed_at__isnull=False)
    )
    signed = _last_activity_before(signed_cutoff).filter(
        Q(stage_reached__gte=SIGNED_RANK) | Q(contracts__signed_at__isnull=False),
        seeker__phone__startswith=DELETED_PHONE_PREFIX,
    )
    return RetentionResult(
        unhired_deleted=_delete_in_batches(unhired), signed_deleted=_delete_in_batches(signed)
    )
