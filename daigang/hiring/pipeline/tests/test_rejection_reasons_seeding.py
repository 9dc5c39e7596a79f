"""Default rejection reasons are written when an organisation is verified, in the site's
language, and the pipeline pages only read them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from daigang.accounts.models import Organisation
from daigang.accounts.testing import moderator_make, organisation_make, organisation_registered_make
from daigang.hiring.models import RejectionReason
from daigang.hiring.pipeline.settings import DEFAULT_REJECTION_REASONS, rejection_reasons_seed
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db

CHINESE_NAMES = [name for name, _template in DEFAULT_REJECTION_REASONS]


def test_a_moderator_approving_in_english_stores_the_reasons_in_chinese(client):
    # given a registered organisation and a moderator whose browser asks for English
    organisation = organisation_registered_make()
    client.force_login(moderator_make())
    # when
    response = client.post(
        f"/accounts/review/{organisation.pk}/",
        {"action": "approve"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    # then the page spoke English, the stored texts (sent to seekers later) are Chinese
    assert "Approved" in response.content.decode()
    reasons = list(RejectionReason.objects.filter(organisation=organisation))
    assert [reason.name for reason in reasons] == CHINESE_NAMES
    assert reasons[1].message_template.startswith("{name}您好，感谢您报名")


def test_seeding_while_english_is_active_still_writes_chinese():
    organisation = organisation_make(status=Organisation.Status.PENDING)

    with translation.override("en"):
        reasons = rejection_reasons_seed(organisation=organisation)

    assert [reason.name for reason in reasons] == CHINESE_NAMES


@pytest.mark.parametrize(
    "path",
    [
        "/manage/{org}/pipeline/",
        "/manage/{org}/pipeline/table/",
        "/manage/{org}/applications/{app}/",
        "/manage/{org}/pipeline/settings/",
    ],
)
def test_opening_a_pipeline_page_writes_nothing(client, path):
    # given an organisation that has no rejection reasons at all
    world = world_make()
    RejectionReason.objects.filter(organisation=world.organisation).delete()
    client.force_login(world.owner)
    url = path.format(org=world.organisation.pk, app=world.application.pk)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 200
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        # The one write a page view makes on purpose: the audit of full phones seen.
        and "hiring_phoneview" not in query["sql"]
    ]
    assert writes == []
    assert not RejectionReason.objects.filter(organisation=world.organisation).exists()


def test_the_migration_seeds_verified_organisations_and_turns_english_defaults_chinese():
    # given one organisation seeded in English by the old board view, one never seeded
    migration = importlib.import_module(
        "daigang.hiring.migrations.0003_rejection_reasons_site_language"
    )
    english = organisation_make(status=Organisation.Status.PENDING)
    Organisation.objects.filter(pk=english.pk).update(verified_at=english.created_at)
    with translation.override("en"):
        for index, (name, template) in enumerate(DEFAULT_REJECTION_REASONS):
            RejectionReason.objects.create(
                organisation=english,
                name=translation.gettext(name),
                message_template=translation.gettext(template),
                order=index,
            )
    edited = RejectionReason.objects.create(
        organisation=english, name="Night shifts", message_template="Hi {name}", order=9
    )
    never = organisation_make(status=Organisation.Status.PENDING)
    Organisation.objects.filter(pk=never.pk).update(verified_at=never.created_at)
    pending = organisation_make(status=Organisation.Status.PENDING)
    # when
    migration.forwards(apps, None)
    # then
    english_names = list(
        RejectionReason.objects.filter(organisation=english).values_list("name", flat=True)
    )
    assert english_names == [*CHINESE_NAMES, "Night shifts"]
    assert RejectionReason.objects.get(pk=edited.pk).message_template == "Hi {name}"
    never_reasons = list(RejectionReason.objects.filter(organisation=never))
    assert [(r.name, r.message_template) for r in never_reasons] == [
        (name, template) for name, template in DEFAULT_REJECTION_REASONS
    ]
    assert not RejectionReason.objects.filter(organisation=pending).exists()
