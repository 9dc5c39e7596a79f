"""Demo policy explainers (政策解读) of the 甘肃 bureaus, and the province's fair room as a 宣策
session. The texts are written for the demo: real-sounding, not any bureau's actual terms.
Idempotent: a policy is found again by its bureau and title."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation
from daigang.fairs.models import FairRoom
from daigang.policies.models import Policy, PolicySession
from daigang.policies.services import policy_create, policy_publish

DEMO_NOTE = "（演示数据，非真实政策）"


@dataclass(frozen=True)
class DemoPolicy:
    bureau_region: str
    region: str
    kind: str
    title: str
    summary: str
    eligibility: str
    how_to_apply: str
    days_valid: int | None


POLICIES = (
    DemoPolicy(
        "620000",
        "620000",
        "subsidy",
        "一次性求职创业补贴",
        "毕业学年内找工作有困难的高校毕业生，每人可领一次1500元求职创业补贴，直接打到本人社保卡。"
        + DEMO_NOTE,
        "甘肃省内高校毕业学年的学生，且属于以下任一情况：\n"
        "1. 城乡低保家庭、脱贫家庭成员；\n2. 残疾人；\n3. 家庭经济困难、已获国家助学资助的学生；\n"
        "4. 特困人员、孤儿。",
        "1. 在学校就业指导中心领取申请表，或在“甘肃人社”小程序在线填写；\n"
        "2. 学校初审后报当地人社部门复核，公示5个工作日；\n"
        "3. 补贴发到本人社保卡，全程不收取任何费用。",
        365,
    ),
    DemoPolicy(
        "620100",
        "620100",
        "social_insurance",
        "灵活就业人员社保补贴",
        "在兰州灵活就业的就业困难人员，自己交了养老、医疗保险的，可以申请补回三分之二，最长3年。"
        + DEMO_NOTE,
        "兰州市户籍或持兰州居住证，登记为就业困难人员，以灵活就业身份缴纳了城镇职工养老保险、"
        "医疗保险；距法定退休年龄不足5年的可延长至退休。",
        "1. 每年1月、7月到户籍或居住地街道（乡镇）公共就业服务窗口申请；\n"
        "2. 带身份证、社保卡和缴费凭证；\n3. 审核通过后按季度发到社保卡。",
        None,
    ),
    DemoPolicy(
        "620100",
        "620100",
        "subsidy",
        "高校毕业生就业见习补贴",
        "离校2年内未就业的高校毕业生到见习基地见习3至12个月，基地按月发见习生活补助，政府给基地补贴。"
        + DEMO_NOTE,
        "离校2年内未就业的高校毕业生，或16至24岁失业青年；在兰州市认定的就业见习基地参加见习。",
        "1. 在“兰州就业”平台或本站招聘会查看见习岗位并报名；\n"
        "2. 与见习基地签订见习协议；\n3. 见习期间每月领取不低于当地最低工资标准的生活补助。",
        180,
    ),
    DemoPolicy(
        "620000",
        "620000",
        "training",
        "职业技能培训补贴",
        "参加政府认定机构的技能培训并拿到证书的，按证书等级给培训补贴，个人无需先垫钱。"
        + DEMO_NOTE,
        "甘肃省内的农民工、失业人员、脱贫劳动力、高校毕业生，参加省内认定的职业技能培训并取得"
        "职业资格证书或职业技能等级证书。",
        "1. 在“甘肃人社”小程序选择培训项目报名；\n2. 培训结束考核合格取得证书；\n"
        "3. 培训机构统一申请，补贴直接拨付，个人不用交钱。",
        730,
    ),
)


def demo_policies_load() -> list[str]:
    """The demo policies, published, and the province's fair room as a 宣策 session."""
    today = timezone.localdate()
    published = 0
    for spec in POLICIES:
        bureau = Organisation.objects.filter(
            kind=Organisation.Kind.BUREAU, region_id=spec.bureau_region
        ).first()
        if bureau is None:
            continue
        owner = Membership.objects.filter(
            organisation=bureau, role=Membership.Role.OWNER
        ).select_related("user")
        membership = owner.first()
        if membership is None:
            continue
        policy = Policy.objects.filter(bureau=bureau, title=spec.title).first()
        if policy is None:
            assert bureau.region is not None
            policy = policy_create(
                bureau=bureau,
                by=membership.user,
                region=bureau.region,
                kind=spec.kind,
                title=spec.title,
                summary=spec.summary,
                eligibility=spec.eligibility,
                how_to_apply=spec.how_to_apply,
                valid_from=today - dt.timedelta(days=30),
                valid_until=(
                    today + dt.timedelta(days=spec.days_valid) if spec.days_valid else None
                ),
            )
        policy_publish(policy=policy, by=membership.user)
        published += 1
    sessions = []
    for fair_room in FairRoom.objects.filter(
        room__organisation__kind=Organisation.Kind.BUREAU, room__organisation__region_id="620000"
    ).select_related("room"):
        PolicySession.objects.get_or_create(room=fair_room.room)
        sessions.append(f"/live/{fair_room.room_id}/")
    return [f"Policies: {published} published at /policies/; 宣策 rooms {' '.join(sessions)}"]
