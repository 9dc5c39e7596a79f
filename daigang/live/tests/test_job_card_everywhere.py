"""A job reads the same in the live room, on its own page, in the APIs and in its JSON-LD:
one presenter (daigang.jobs.presenters) makes the text for all of them."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.models import Job, Shift
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db

JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _texts(pattern: str, page: str) -> set[str]:
    return {html.unescape(text).strip() for text in re.findall(pattern, page, re.S)}


def test_place_wage_and_tags_are_the_same_in_the_room_the_job_page_the_apis_and_json_ld(client):
    # given a live room with the job pinned
    organisation = organisation_make()
    job = job_make(
        organisation=organisation,
        title="电子厂普工",
        wage_min_fen=2300,
        wage_max_fen=2600,
        shift=Shift.TWO_SHIFTS,
        couple_rooms=True,
    )
    Job.objects.filter(pk=job.pk).update(city="东莞市", district="长安镇", benefits=["五险一金"])
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state=Room.State.LIVE)
    Room.objects.filter(pk=room.pk).update(pinned_job=job)
    # when
    room_page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    room_page = room_page.split('<template id="pin-card-tpl">')[0]  # the empty card for JS
    room_api = client.get(f"/api/v1/rooms/{room.pk}").json()
    job_page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    job_api = client.get(f"/api/v1/jobs/{job.pk}").json()
    [jsonld_text] = JSONLD_RE.findall(job_page)
    jsonld = json.loads(jsonld_text)
    # then
    place, wage = "东莞市 · 长安镇", "23-26 元/小时"
    assert _texts(r'data-field="place">(.*?) · <span', room_page) == {place}
    assert _texts(r'data-field="wage">(.*?)</div>', room_page) == {wage}
    assert (room_api["pinned_job"]["place"], room_api["pinned_job"]["wage"]) == (place, wage)
    assert _texts(r'<div class="place">(.*?)</div>', job_page) == {place}
    assert _texts(r'<div class="wage">(.*?)</div>', job_page) == {wage}
    assert (job_api["location"]["display"], job_api["wage"]["display"]) == (place, wage)
    assert (jsonld["jobLocation"]["name"], jsonld["baseSalary"]["description"]) == (place, wage)
    # benefits and pay schedule both, in the same order, on the room card, the page and the API
    tags = ["包吃住", "夫妻间", "两班倒", "月结", "五险一金"]
    room_card = room_page[room_page.index('data-field="tags"') :]
    room_tags = re.findall(r'<li class="tag">(.*?)</li>', room_card[: room_card.index("</ul>")])
    page_tags = re.findall(r'<li class="tag">(.*?)</li>', job_page)
    assert room_tags == page_tags == room_api["pinned_job"]["tags"] == job_api["tags"] == tags
    assert jsonld["jobBenefits"] == "包吃住、夫妻间、两班倒、五险一金"
