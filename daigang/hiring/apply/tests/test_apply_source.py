"""An apply's source (where the seeker came from, e.g. a replay's card: "replay:12") is kept
when well-formed, dropped when not (attribution never refuses an apply), and carried to the
apply form when the API sends the seeker there."""

from __future__ import annotations

import pytest
from django.test import Client

from daigang.accounts.testing import organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client: Client, body: dict, key: str):
    return client.post(
        "/api/v1/applications",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("replay:12", "replay:12"), ("replay:x", ""), ("<b>", ""), (12, ""), (None, "")],
)
def test_a_well_formed_source_is_kept_and_anything_else_dropped_without_refusing(sent, kept):
    # given
    job = job_make(organisation=organisation_make())
    client = Client()
    client.force_login(seeker_make())
    # when
    answer = _post(client, {"job_id": job.pk, "consent": True, "source": sent}, "source-key-1")
    # then
    assert answer.status_code == 201, answer.content
    assert Application.objects.get().source == kept


def test_a_seeker_sent_to_the_form_keeps_the_source_in_its_link():
    # given a seeker who has not consented to this organisation yet
    job = job_make(organisation=organisation_make())
    client = Client()
    client.force_login(seeker_make())
    # when
    answer = _post(client, {"job_id": job.pk, "source": "replay:7"}, "source-key-2")
    # then the form it points to carries the source, which the form posts back
    assert answer.status_code == 400
    assert answer.json()["apply_url"].endswith("?src=replay%3A7")
    form = client.get(answer.json()["apply_url"]).content.decode()
    assert 'name="source" value="replay:7"' in form
