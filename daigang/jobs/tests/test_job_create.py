from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.jobs.models import Job
from daigang.jobs.testing import job_post_data


def create_url(org):
    return reverse("jobs:create", args=[org.pk])


@pytest.mark.django_db
def test_a_member_saves_a_draft_with_the_wage_stored_in_fen(owner_client, org, owner):
    # when
    response = owner_client.post(
        create_url(org),
        job_post_data(wage_min="5500.50", wage_max="7000", wage_unit="month", action="save"),
    )
    # then
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.wage_min_fen, job.wage_max_fen, job.wage_unit) == (550050, 700000, "month")
    assert job.status == Job.Status.DRAFT
    assert job.created_by == owner
    assert job.organisation == org


@pytest.mark.django_db
def test_benefits_combine_checkboxes_and_free_text_without_repeats(owner_client, org):
    owner_client.post(
        create_url(org),
        job_post_data(
            benefits_common=["五险一金", "免费班车"], benefits_other="年终奖，五险一金 生日福利"
        ),
    )
    assert Job.objects.get().benefits == ["五险一金", "免费班车", "年终奖", "生日福利"]


@pytest.mark.django_db
def test_search_text_is_filled_by_the_service_on_save(owner_client, org):
    owner_client.post(create_url(org), job_post_data(title="电子厂普工"))
    assert " 电子厂 " in Job.objects.get().search_text
    assert " 普工 " in Job.objects.get().search_text


@pytest.mark.django_db
def test_save_and_publish_publishes_for_a_verified_organisation(owner_client, org):
    owner_client.post(create_url(org), job_post_data(action="publish"))
    job = Job.objects.get()
    assert job.status == Job.Status.PUBLISHED
    assert job.published_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"wage_min": "25.555"}, "wage_min", "最多保留两位小数"),
        ({"wage_min": "abc"}, "wage_min", "请填写数字"),
        ({"wage_min": "0"}, "wage_min", "必须大于 0"),
        ({"wage_min": "28", "wage_max": "25"}, "wage_max", "最高工价不能低于最低工价"),
        ({"age_min": "40", "age_max": "30"}, "age_max", "最高年龄不能低于最低年龄"),
        ({"valid_until": "2000-01-01"}, "valid_until", "有效期不能早于今天"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    owner_client, org, overrides, field, message
):
    response = owner_client.post(create_url(org), job_post_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_a_job_asking_for_money_is_refused_naming_the_term_and_keeps_what_was_typed(
    owner_client, org
):
    response = owner_client.post(
        create_url(org),
        job_post_data(title="仓库分拣员", duties="入职需交押金200元，体检费自理"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作内容含有向求职者收取押金或保证金的内容（“押金”）" in body
    assert "工作内容含有向求职者收取费用的内容（“体检费”）" in body
    assert "《劳动合同法》第九条" in body
    assert "仓库分拣员" in body  # the form is shown again with the input
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_edit_form_shows_the_wage_in_yuan_and_saves_changes(owner_client, org):
    # given
    owner_client.post(
        create_url(org), job_post_data(wage_min="0.35", wage_max="0.6", wage_unit="piece")
    )
    job = Job.objects.get()
    edit_url = reverse("jobs:edit", args=[org.pk, job.pk])
    # when
    page = owner_client.get(edit_url)
    response = owner_client.post(
        edit_url,
        job_post_data(title="缝纫工（计件）", wage_min="0.4", wage_max="0.6", wage_unit="piece"),
    )
    # then
    assert page.context["form"].initial["wage_min"] == "0.35"
    assert page.context["form"].initial["wage_max"] == "0.60"
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.wage_min_fen, job.wage_max_fen) == ("缝纫工（计件）", 40, 60)
