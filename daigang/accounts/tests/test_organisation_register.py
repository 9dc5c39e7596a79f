from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, OrganisationDocument
from daigang.accounts.testing import (
    licence_fields_make,
    organisation_registered_make,
    pdf_bytes,
    upload,
    uscc_make,
    user_make,
)
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "福州示例电子有限公司",
        "kind": Organisation.Kind.COMPANY,
        "uscc": uscc_make(),
        "contact_name": "林经理",
        "contact_phone": "0591-87654321",
        "address": "福州市闽侯县上街镇",
        "description": "",
        "business_licence": upload("yyzz.png"),
    }
    data.update(overrides)
    return data


def test_registering_makes_the_user_owner_and_the_organisation_pending():
    # given
    owner = user_make()
    # when
    organisation = organisation_registered_make(owner=owner)
    # then
    assert organisation.status == Organisation.Status.PENDING
    assert not organisation.is_verified()
    assert Membership.objects.get(organisation=organisation).user == owner
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.OWNER
    document = organisation.documents.get()
    assert document.kind == OrganisationDocument.Kind.BUSINESS_LICENCE
    assert document.content_type == "image/png"


def test_an_agency_without_the_hr_service_licence_is_refused():
    with pytest.raises(Refused, match="人力资源服务许可证"):
        organisation_registered_make(kind=Organisation.Kind.AGENCY, hr_service_licence=None)
    assert not Organisation.objects.exists()


def test_an_agency_registers_with_both_licences():
    organisation = organisation_registered_make(kind=Organisation.Kind.AGENCY)
    kinds = set(organisation.documents.values_list("kind", flat=True))
    assert kinds == {"business_licence", "hr_service_licence"}


def test_registering_the_same_code_again_by_its_owner_returns_the_first():
    owner = user_make()
    code = uscc_make()
    first = organisation_registered_make(owner=owner, uscc=code)
    again = organisation_registered_make(owner=owner, uscc=code.lower())
    assert again == first
    assert Organisation.objects.count() == 1


def test_registering_a_code_someone_else_registered_is_refused():
    code = uscc_make()
    organisation_registered_make(uscc=code)
    with pytest.raises(Refused, match="已被登记"):
        organisation_registered_make(uscc=code)


def test_a_bad_code_is_refused_by_the_service_too():
    with pytest.raises(Refused, match="校验位"):
        organisation_registered_make(uscc="91350100M000100Y44")


def test_register_page_creates_the_organisation_and_shows_it(client):
    # given
    owner = user_make()
    client.force_login(owner)
    # when
    response = client.post(reverse("accounts:organisation_new"), form_data())
    # then
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_detail", args=[organisation.id])
    page = client.get(response["Location"]).content.decode()
    assert "福州示例电子有限公司" in page
    assert "等待平台审核" in page


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91350100M000100Y4", "当前为17位"),
        ("91350100M0001O0Y43", "第14位字符“O”无效"),
        ("91350100M000100Y44", "第18位应为“3”"),
    ],
)
def test_register_page_names_the_problem_with_the_code(client, uscc, message):
    client.force_login(user_make())
    response = client.post(reverse("accounts:organisation_new"), form_data(uscc=uscc))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # What was typed is kept.
    assert "福州示例电子有限公司" in body
    assert not Organisation.objects.exists()


def test_register_page_requires_the_hr_licence_for_agencies(client):
    client.force_login(user_make())
    response = client.post(
        reverse("accounts:organisation_new"), form_data(kind=Organisation.Kind.AGENCY)
    )
    assert "劳务派遣·人力资源服务机构须上传人力资源服务许可证" in response.content.decode()
    assert not Organisation.objects.exists()


def licence_form_data():
    fields = licence_fields_make()
    fields["hr_licence_expires_on"] = fields["hr_licence_expires_on"].isoformat()
    return fields


def test_register_page_accepts_an_agency_with_a_pdf_hr_licence(client):
    client.force_login(user_make())
    response = client.post(
        reverse("accounts:organisation_new"),
        form_data(
            kind=Organisation.Kind.AGENCY,
            hr_service_licence=upload("hr.pdf", pdf_bytes()),
            **licence_form_data(),
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.documents.count() == 2
    assert organisation.hr_licence_issuer == "福州市人力资源和社会保障局"
    assert organisation.hr_licence_expires_on is not None


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("hr_licence_number", "请填写人力资源服务许可证编号"),
        ("hr_licence_issuer", "请填写人力资源服务许可证的发证机关"),
        ("hr_licence_expires_on", "请填写人力资源服务许可证的有效期"),
    ],
)
def test_register_page_asks_an_agency_for_each_fact_of_its_licence(client, missing, message):
    # given an agency's registration without one fact of its licence
    client.force_login(user_make())
    data = form_data(
        kind=Organisation.Kind.AGENCY,
        hr_service_licence=upload("hr.pdf", pdf_bytes()),
        **licence_form_data(),
    )
    data[missing] = ""
    # when it is posted
    response = client.post(reverse("accounts:organisation_new"), data)
    # then it is refused with a message beside that field, and nothing is saved
    assert response.status_code == 200
    assert message in response.context["form"].errors[missing][0]
    assert not Organisation.objects.exists()


def test_registering_an_agency_with_an_expired_licence_is_refused():
    with pytest.raises(Refused, match="人力资源服务许可证已过期"):
        organisation_registered_make(
            kind=Organisation.Kind.AGENCY,
            hr_licence_expires_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert not Organisation.objects.exists()


def test_register_page_refuses_a_bad_contact_phone(client):
    client.force_login(user_make())
    response = client.post(reverse("accounts:organisation_new"), form_data(contact_phone="12345"))
    assert "请填写手机号或带区号的固定电话" in response.content.decode()


def test_register_page_needs_a_login(client):
    response = client.get(reverse("accounts:organisation_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
