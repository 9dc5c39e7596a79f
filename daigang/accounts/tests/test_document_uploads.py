from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership, OrganisationDocument
from daigang.accounts.services import membership_add, organisation_document_add
from daigang.accounts.testing import (
    jpeg_bytes,
    organisation_registered_make,
    pdf_bytes,
    upload,
    user_make,
)
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db
LICENCE = OrganisationDocument.Kind.BUSINESS_LICENCE


def test_a_text_file_named_jpg_is_refused_whatever_it_claims():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    fake = upload("licence.jpg", b"just some text, not a picture", content_type="image/jpeg")
    with pytest.raises(Refused, match="只能上传 JPG、PNG 图片或 PDF"):
        organisation_document_add(organisation=organisation, kind=LICENCE, file=fake, by=owner)
    assert organisation.documents.count() == 1


def test_html_disguised_as_a_png_is_refused():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    fake = upload("x.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(Refused):
        organisation_document_add(organisation=organisation, kind=LICENCE, file=fake, by=owner)


def test_a_file_over_the_limit_is_refused_with_its_size(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    big = upload("big.pdf", pdf_bytes(padding=10 * 1024 * 1024))
    with pytest.raises(Refused, match=r"不能超过 10\.0 MB") as error:
        organisation_document_add(organisation=organisation, kind=LICENCE, file=big, by=owner)
    assert "文件太大（10.0 MB）" in error.value.message


def test_a_pdf_is_accepted_and_stored_outside_public_folders(settings):
    # given
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    # when
    document = organisation_document_add(
        organisation=organisation,
        kind=LICENCE,
        file=upload("scan.bin", pdf_bytes(), content_type="application/octet-stream"),
        by=owner,
    )
    # then
    assert document.content_type == "application/pdf"
    path = document.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 — no public URL exists for private files
    with open(path, "rb") as stored:
        assert stored.read() == pdf_bytes()


def test_a_jpeg_is_accepted():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    document = organisation_document_add(
        organisation=organisation, kind=LICENCE, file=upload("a.txt", jpeg_bytes()), by=owner
    )
    assert document.content_type == "image/jpeg"


def test_uploading_the_same_file_twice_keeps_one_document():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    first = organisation_document_add(
        organisation=organisation, kind=LICENCE, file=upload("a.pdf", pdf_bytes()), by=owner
    )
    again = organisation_document_add(
        organisation=organisation, kind=LICENCE, file=upload("a.pdf", pdf_bytes()), by=owner
    )
    assert again.pk == first.pk
    assert organisation.documents.count() == 2  # the registration PNG and this PDF


def test_only_the_owner_may_upload():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    hr = user_make()
    membership_add(organisation=organisation, phone=hr.phone, role=Membership.Role.HR, by=owner)
    with pytest.raises(Refused):
        organisation_document_add(organisation=organisation, kind=LICENCE, file=upload(), by=hr)


def test_upload_page_shows_the_content_error(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    response = client.post(
        reverse("accounts:document_add", args=[organisation.id]),
        {"kind": LICENCE, "file": upload("licence.jpg", b"not an image")},
    )
    assert response.status_code == 400
    assert "只能上传 JPG、PNG 图片或 PDF" in response.content.decode()


def test_upload_page_stores_a_new_licence(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    response = client.post(
        reverse("accounts:document_add", args=[organisation.id]),
        {"kind": LICENCE, "file": upload("licence.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    assert organisation.documents.filter(content_type="application/pdf").exists()
