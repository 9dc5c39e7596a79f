"""A public employment bureau registers like any organisation, bound to one region."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daigang.accounts.models import Organisation
from daigang.accounts.testing import png_bytes, user_make
from daigang.accounts.uscc import uscc_check_char, uscc_problem

pytestmark = pytest.mark.django_db


def _uscc_institution() -> str:
    # 1 = 机构编制 (registration authority), 2 = 事业单位; GB 32100-2015 gives every code, these
    # included, the same check character over the first 17.
    first17 = "12620100438000123"
    return first17 + uscc_check_char(first17)


def test_an_institution_code_starting_12_is_checked_like_any_other():
    code = _uscc_institution()
    assert uscc_problem(code) is None
    assert uscc_problem(code[:-1] + ("0" if code[-1] != "0" else "1")) is not None


def _post(client, **changes):
    data = {
        "name": "兰州市公共就业服务中心",
        "kind": "bureau",
        "uscc": _uscc_institution(),
        "contact_name": "李科长",
        "contact_phone": "0931-8888888",
        "address": "兰州市城关区",
        "region": "兰州市",
        "business_licence": SimpleUploadedFile("cert.png", png_bytes(), "image/png"),
    }
    data.update(changes)
    return client.post(reverse("accounts:organisation_new"), data)


def test_a_bureau_registers_with_its_region(client):
    client.force_login(user_make())
    response = _post(client)
    assert response.status_code == 302
    bureau = Organisation.objects.get()
    assert (bureau.kind, bureau.region_id) == ("bureau", "620100")


def test_a_bureau_without_a_region_is_asked_for_it_and_nothing_is_saved(client):
    client.force_login(user_make())
    response = _post(client, region="")
    assert response.status_code == 200
    assert "须填写所辖地区" in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_region_that_does_not_exist_is_refused_clearly(client):
    client.force_login(user_make())
    response = _post(client, region="火星市")
    assert "找不到这个地区" in response.content.decode()
    assert not Organisation.objects.exists()
