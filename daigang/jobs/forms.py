"""Forms only parse input; services.py enforces the rules again for every other caller."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from daigang.accounts.models import Organisation
from daigang.jobs.models import Arrangement, Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.places import region_is_job_place
from daigang.jobs.selectors import JobFilters
from daigang.jobs.services import JobDraft, job_completeness_check, job_content_check
from daigang.jobs.wages import wage_parse_yuan, wage_range_parse, yuan_text
from daigang.regions.models import Region
from daigang.regions.selectors import (
    region_city_choices,
    region_district_choices,
    region_get,
    region_place,
    regions_city_choices_by_province,
    regions_provinces,
)

# Stored in Chinese (data); shown translated (gettext_noop puts them in the catalogue).
COMMON_BENEFITS: tuple[str, ...] = (
    gettext_noop("五险一金"),
    gettext_noop("五险"),
    gettext_noop("免费班车"),
    gettext_noop("带薪年假"),
    gettext_noop("节日福利"),
    gettext_noop("加班费"),
    gettext_noop("全勤奖"),
    gettext_noop("包工作餐"),
    gettext_noop("空调宿舍"),
    gettext_noop("可预支"),
)
MAX_BENEFITS = 12
PLACE_FIELDS = ("province", "city", "district")
MAX_BENEFIT_LENGTH = 12
_BENEFIT_SPLIT = re.compile(r"[,，、;；/\s]+")


def benefits_parse(raw: str) -> list[str]:
    """Free-text tags separated by commas, 、 or spaces; duplicates dropped, order kept."""
    return list(dict.fromkeys(tag for tag in _BENEFIT_SPLIT.split(raw or "") if tag))


class JobForm(forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=60)
    kind_of_work = forms.CharField(
        label=_("工种"), max_length=30, help_text=_("例如：普工、操作工、分拣员、叉车工")
    )
    headcount = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10000)
    wage_min = forms.CharField(
        label=_("最低工价（元）"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "25"}),
    )
    wage_max = forms.CharField(
        label=_("最高工价（元）"),
        max_length=12,
        help_text=_("工价须写明数字范围，不能写“面议”；固定工价两格填同一个数"),
        error_messages={"required": _("请填写最高工价；固定工价请填写与最低工价相同的数字")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "28"}),
    )
    wage_unit = forms.ChoiceField(label=_("工价单位"), choices=WageUnit.choices)
    pay_schedule = forms.ChoiceField(label=_("结算方式"), choices=PaySchedule.choices)
    shift = forms.ChoiceField(label=_("班次"), choices=Shift.choices)
    board = forms.ChoiceField(label=_("食宿"), choices=Board.choices)
    couple_rooms = forms.BooleanField(label=_("提供夫妻间"), required=False)
    assembly_line = forms.BooleanField(label=_("流水线作业"), required=False)
    is_flexible = forms.BooleanField(label=_("零工 / 灵活用工"), required=False)
    age_min = forms.IntegerField(label=_("最低年龄"), min_value=16, max_value=70, initial=18)
    age_max = forms.IntegerField(label=_("最高年龄"), min_value=16, max_value=70, initial=50)
    # Region codes (GB/T 2260), chosen from lists: province → city → district. The lists below
    # a choice follow it (static regions/places.js, or the place_refresh button without
    # JavaScript); `city` lists every city of every province until a province is chosen.
    province = forms.ChoiceField(
        label=_("省"),
        required=False,
        widget=forms.Select(
            attrs={"data-region-child": "id_city", "data-region-list": "regions:cities"}
        ),
    )
    city = forms.ChoiceField(
        label=_("市"),
        widget=forms.Select(
            attrs={
                "data-region-child": "id_district",
                "data-region-list": "regions:districts",
            }
        ),
        error_messages={"invalid_choice": _("所选城市不在该省内")},
    )
    district = forms.ChoiceField(
        label=_("区县"),
        required=False,
        error_messages={"invalid_choice": _("所选区县不在该城市内")},
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    benefits_common = forms.MultipleChoiceField(
        label=_("福利"),
        choices=[(b, _(b)) for b in COMMON_BENEFITS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    benefits_other = forms.CharField(
        label=_("其他福利"),
        max_length=120,
        required=False,
        help_text=_("用逗号或空格分隔，例如：年终奖，生日福利"),
    )
    duties = forms.CharField(
        label=_("工作内容"),
        max_length=3000,
        help_text=_("每天做什么：岗位职责、工作环境、是否站立、是否穿无尘服"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    requirements = forms.CharField(
        label=_("任职要求"),
        max_length=2000,
        help_text=_("年龄以外的条件：经验、证书、视力、能否适应倒班等"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Shown only when the organisation is a labour agency (see __init__).
    employer_name = forms.CharField(
        label=_("用工单位"),
        max_length=100,
        help_text=_("实际用工的企业全称：求职者将为哪家单位工作"),
    )
    employer_uscc = forms.CharField(
        label=_("用工单位统一社会信用代码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    arrangement = forms.ChoiceField(
        label=_("用工方式"),
        choices=Arrangement.choices,
        widget=forms.RadioSelect,
        help_text=_("劳务派遣：与本机构签劳动合同，派到用工单位；职业中介：直接与用工单位签合同"),
    )
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    AGENCY_FIELDS = ("employer_name", "employer_uscc", "arrangement")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if organisation.kind != Organisation.Kind.AGENCY:
            # A company recruits for itself: no other employer to name.
            for name in self.AGENCY_FIELDS:
                del self.fields[name]
        self._place_choices()

    def _chosen(self, name: str) -> Region | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return region_get(code=str(value or ""))

    def _place_choices(self) -> None:
        """The three lists, narrowed by what is chosen (posted, or the job's initial place)."""
        for name in ("province", "city"):
            attrs = self.fields[name].widget.attrs
            # regions/places.js puts the chosen code in place of 000000.
            attrs["data-region-list"] = reverse(str(attrs["data-region-list"]), args=["000000"])
        pick = [("", _("请选择"))]
        province, city = self._chosen("province"), self._chosen("city")
        fields = {name: cast(forms.ChoiceField, self.fields[name]) for name in PLACE_FIELDS}
        fields["province"].choices = pick + [(r.code, r.name) for r in regions_provinces()]
        if province is not None:
            cities: list = [(r.code, r.name) for r in region_city_choices(province=province)]
        else:
            # No province yet (no JavaScript): every city, grouped by province.
            cities = [
                (p.name, [(r.code, r.name) for r in below])
                for p, below in regions_city_choices_by_province()
            ]
        fields["city"].choices = pick + cities
        districts = region_district_choices(city=city) if city is not None else []
        fields["district"].choices = [("", _("不限/无"))] + [(r.code, r.name) for r in districts]

    @staticmethod
    def initial_from_post(post: QueryDict) -> dict[str, object]:
        """What was posted, as the initial values of a form shown again unchecked (the
        place_refresh button: new lists for the chosen province and city, nothing saved)."""
        initial: dict[str, object] = dict(post.dict())
        initial["benefits_common"] = post.getlist("benefits_common")
        return initial

    @staticmethod
    def place_initial(job: Job) -> dict[str, str]:
        """The three selects for a saved job's region (empty for a job without one)."""
        region = region_get(code=job.region_id or "", current_only=False)
        if region is None:
            return {"province": "", "city": "", "district": ""}
        province, city, district = region_place(region=region)
        return {
            "province": province.code,
            "city": city.code,
            "district": district.code if district else "",
        }

    @classmethod
    def initial_from_job(cls, job: Job) -> dict[str, object]:
        common = [b for b in job.benefits if b in COMMON_BENEFITS]
        other = [b for b in job.benefits if b not in COMMON_BENEFITS]
        initial: dict[str, object] = {
            name: getattr(job, name)
            for name in cls.base_fields
            if hasattr(job, name) and name not in {"wage_min", "wage_max"}
        }
        initial.update(
            wage_min=yuan_text(job.wage_min_fen),
            wage_max=yuan_text(job.wage_max_fen),
            benefits_common=common,
            benefits_other="，".join(other),
        )
        initial.update(cls.place_initial(job))
        return initial

    def clean_valid_until(self) -> object:
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise ValidationError(_("有效期不能早于今天"), code="valid_until_past")
        return value

    def clean_place(self, data: dict[str, object]) -> None:
        """The district must lie in the city and the city in the province; sets region_id."""
        province = region_get(code=str(data.get("province") or ""))
        city = region_get(code=str(data.get("city") or ""))
        district = region_get(code=str(data.get("district") or ""))
        if city is None:
            return  # the field's own error ("required" or "not a choice") says why
        in_province, as_city, _below = region_place(region=city)
        if province is not None and province.code != in_province.code:
            self.add_error("city", _("所选城市不在该省内"))
            return
        if as_city.code != city.code or not region_is_job_place(region=city):
            self.add_error("city", _("请选择城市"))
            return
        if district is not None and district.parent_id != city.code:
            self.add_error("district", _("所选区县不在该城市内"))
            return
        data["region_id"] = (district or city).code

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.clean_place(data)
        if "wage_min" in data and "wage_max" in data:
            try:
                data["wage_min_fen"], data["wage_max_fen"] = wage_range_parse(
                    min_raw=data["wage_min"], max_raw=data["wage_max"]
                )
            except ValidationError as exc:
                self._add_errors(exc, default_field="wage_min")
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("最高年龄不能低于最低年龄"))
        benefits = list(
            dict.fromkeys(
                [*data.get("benefits_common", []), *benefits_parse(data.get("benefits_other", ""))]
            )
        )
        if len(benefits) > MAX_BENEFITS:
            self.add_error("benefits_other", _("福利最多 %(n)d 项") % {"n": MAX_BENEFITS})
        if any(len(tag) > MAX_BENEFIT_LENGTH for tag in benefits):
            self.add_error(
                "benefits_other", _("每项福利不超过 %(n)d 个字") % {"n": MAX_BENEFIT_LENGTH}
            )
        data["benefits"] = benefits
        for check in (
            lambda: job_completeness_check(values=data, organisation=self.organisation),
            lambda: job_content_check(values=data),
        ):
            try:
                check()
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    if field in self.errors:
                        continue  # already refused by the field itself (e.g. left empty)
                    for error in errors:
                        # Benefits are entered as ticked tags and free text.
                        self.add_error("benefits_other" if field == "benefits" else field, error)
        return data

    def _add_errors(self, exc: ValidationError, *, default_field: str) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(field, error)
        else:
            self.add_error(default_field, exc)

    def to_draft(self) -> JobDraft:
        data = self.cleaned_data
        return JobDraft(
            title=data["title"],
            kind_of_work=data["kind_of_work"],
            headcount=data["headcount"],
            wage_min_fen=data["wage_min_fen"],
            wage_max_fen=data["wage_max_fen"],
            wage_unit=data["wage_unit"],
            pay_schedule=data["pay_schedule"],
            shift=data["shift"],
            board=data["board"],
            couple_rooms=data["couple_rooms"],
            assembly_line=data["assembly_line"],
            age_min=data["age_min"],
            age_max=data["age_max"],
            region_id=str(data.get("region_id") or ""),
            address=data["address"],
            benefits=data["benefits"],
            requirements=data["requirements"],
            duties=data["duties"],
            valid_until=data["valid_until"],
            is_flexible=data["is_flexible"],
            employer_name=data.get("employer_name", ""),
            employer_uscc=data.get("employer_uscc", ""),
            arrangement=data.get("arrangement", ""),
        )


class JobFilterForm(forms.Form):
    """The seeker's filters on the home page and in the API. Bad values are reported, not 500s."""

    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    city = forms.CharField(label=_("城市"), max_length=20, required=False)
    room_and_board = forms.BooleanField(label=_("包吃住"), required=False)
    couple_rooms = forms.BooleanField(label=_("夫妻间"), required=False)
    flexible = forms.BooleanField(label=_("零工"), required=False)
    wage_min = forms.CharField(
        label=_("最低工价（元）"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    wage_unit = forms.ChoiceField(
        label=_("工价单位"), choices=WageUnit.choices, required=False, initial=WageUnit.MONTH
    )

    def clean_wage_min(self) -> int | None:
        raw = self.cleaned_data.get("wage_min", "")
        if not raw.strip():
            return None
        return wage_parse_yuan(raw)

    def to_filters(self) -> JobFilters:
        """The filters; call after is_valid(). Fields that failed validation are ignored."""
        data = getattr(self, "cleaned_data", {})
        return JobFilters(
            q=data.get("q", ""),
            city=data.get("city", ""),
            room_and_board=bool(data.get("room_and_board")),
            couple_rooms=bool(data.get("couple_rooms")),
            flexible=bool(data.get("flexible")),
            wage_min_fen=data.get("wage_min"),
            wage_unit=data.get("wage_unit") or WageUnit.MONTH,
        )


class VideoForm(forms.Form):
    """A company or job introduction video: the file (optional when only the texts change)."""

    title = forms.CharField(label=_("视频标题"), max_length=40)
    description = forms.CharField(
        label=_("视频简介"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label=_("视频文件"),
        required=False,
        help_text=_("MP4、MOV 或 WebM，最长 60 秒，最大 100 MB。竖屏拍摄效果最好。"),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
    )
