"""What the demo contains: organisations, their jobs, well-formed codes and a stand-in licence.

Names and addresses are made up; the unified social credit codes are well-formed (both the
organisation-code and the GB 32100 check characters are computed). Loaded by demo.py.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from daigang.accounts.models import Organisation
from daigang.accounts.uscc import uscc_check_char
from daigang.jobs.models import Arrangement, Board, PaySchedule, Shift, WageUnit

# --- codes and files ------------------------------------------------------------------------


def _organisation_code(first8: str) -> str:
    """GB 11714 organisation code: 8 digits plus their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(first8, weights, strict=True)) % 11
    return first8 + {10: "X", 11: "0"}.get(check, str(check))


def demo_uscc(*, division: str, org_digits: str, category: str = "91") -> str:
    """A well-formed USCC: "91" (registered by market regulation, enterprise), the 6-digit
    administrative division, the 9-character organisation code, the GB 32100 check character."""
    first17 = category + division + _organisation_code(org_digits)
    return first17 + uscc_check_char(first17)


def tiny_png(
    *, width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (200, 40, 20)
) -> bytes:
    """A small valid PNG (a red rectangle standing in for a scanned licence)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


# --- what the demo contains -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoJob:
    title: str
    kind_of_work: str
    headcount: int
    wage_min_fen: int
    wage_max_fen: int
    wage_unit: str
    pay_schedule: str
    shift: str
    board: str
    # GB/T 2260 code of the job's county, or of its city when it has none (东莞): the job's
    # province / city / district names come from it.
    region: str
    address: str
    requirements: str
    duties: str
    benefits: list[str] = field(default_factory=list)
    couple_rooms: bool = False
    assembly_line: bool = False
    is_flexible: bool = False
    age_min: int = 18
    age_max: int = 45
    # A labour agency's job names the employer it recruits for (用工单位) and how.
    employer_name: str = ""
    employer_uscc: str = ""
    arrangement: str = ""


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    uscc: str
    owner_phone: str
    owner_name: str
    address: str
    description: str
    region: str = ""
    status: str = Organisation.Status.VERIFIED
    jobs: list[DemoJob] = field(default_factory=list)
    # A labour agency's 人力资源服务许可证; its date is set a year ahead when loaded.
    hr_licence_number: str = ""
    hr_licence_issuer: str = ""


ELECTRONICS = DemoOrganisation(
    name="东莞市华锐电子科技有限公司",
    kind=Organisation.Kind.COMPANY,
    uscc=demo_uscc(division="441900", org_digits="31452786"),
    owner_phone="13900000001",
    owner_name="李敏",
    address="广东省东莞市长安镇锦厦社区振安中路128号",
    region="441900",
    description="手机摄像模组和电源板生产企业，员工约2800人，厂区有员工食堂、宿舍和篮球场。",
    jobs=[
        DemoJob(
            title="电子厂普工（长白班）",
            kind_of_work="普工",
            headcount=60,
            wage_min_fen=2200,
            wage_max_fen=2600,
            wage_unit=WageUnit.HOUR,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.DAY_ONLY,
            board=Board.ROOM_AND_BOARD,
            couple_rooms=True,
            assembly_line=True,
            region="441900",  # 东莞市
            address="长安镇振安中路128号",
            benefits=["五险一金", "免费班车", "全勤奖"],
            requirements="能坐着工作8小时，视力良好，手脚灵活；无经验可学，有师傅带。",
            duties=(
                "手机摄像模组组装、贴膜、外观检查，坐着上班，有师傅带。\n"
                "每天8小时，周末加班按1.5倍算。入职即买五险一金，不收任何费用。"
            ),
        ),
        DemoJob(
            title="SMT操作工",
            kind_of_work="操作工",
            headcount=30,
            wage_min_fen=550000,
            wage_max_fen=750000,
            wage_unit=WageUnit.MONTH,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.TWO_SHIFTS,
            board=Board.LODGING,
            assembly_line=True,
            region="441900",  # 东莞市
            address="长安镇振安中路128号",
            benefits=["五险一金", "加班费", "空调宿舍"],
            requirements="能适应两班倒；有SMT或电子厂经验优先，会看简单的工单。",
            duties="看贴片机、上料、换线，两班倒每月倒一次班。综合工资含加班费，夜班补贴每天20元。",
        ),
        DemoJob(
            title="质检员（QC）",
            kind_of_work="质检员",
            headcount=8,
            wage_min_fen=500000,
            wage_max_fen=650000,
            wage_unit=WageUnit.MONTH,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.DAY_ONLY,
            board=Board.ROOM_AND_BOARD,
            region="441900",  # 东莞市
            address="长安镇振安中路128号",
            benefits=["五险一金", "带薪年假"],
            requirements="初中以上学历，视力好，做事细心；会用卡尺优先。",
            duties="来料和成品抽检，会看卡尺优先，初中以上学历，视力好。",
            age_max=45,
        ),
        DemoJob(
            title="手机组装临时工（日结）",
            kind_of_work="普工",
            headcount=50,
            wage_min_fen=20000,
            wage_max_fen=20000,
            wage_unit=WageUnit.DAY,
            pay_schedule=PaySchedule.DAILY,
            shift=Shift.DAY_ONLY,
            board=Board.MEALS,
            assembly_line=True,
            is_flexible=True,
            region="441900",  # 东莞市
            address="长安镇振安中路128号",
            benefits=["包工作餐"],
            requirements="能连续工作8小时，听从安排；无需经验。",
            duties="旺季临时用工，做一天结一天，当天下班微信转账。带身份证原件直接来厂门口报到。",
            age_max=50,
        ),
    ],
)

LOGISTICS = DemoOrganisation(
    name="昆山顺达物流有限公司",
    kind=Organisation.Kind.COMPANY,
    uscc=demo_uscc(division="320583", org_digits="60718243"),
    owner_phone="13900000002",
    owner_name="周强",
    address="江苏省苏州市昆山市花桥镇物流园区绿地大道88号",
    region="320583",
    description="长三角电商仓配一体企业，昆山、太仓两个仓，日均发货20万单。",
    jobs=[
        DemoJob(
            title="快递分拣员",
            kind_of_work="分拣员",
            headcount=40,
            wage_min_fen=2300,
            wage_max_fen=2500,
            wage_unit=WageUnit.HOUR,
            pay_schedule=PaySchedule.HALF_MONTHLY,
            shift=Shift.TWO_SHIFTS,
            board=Board.LODGING,
            region="320583",  # 苏州市昆山市
            address="花桥镇绿地大道88号",
            benefits=["五险", "免费班车"],
            requirements="能站立工作、搬运20公斤以内包裹；会用手机扫码。",
            duties="按面单区域分拣包裹、上架、扫码，站着干活，需要能吃苦。半月结，从不拖欠。",
        ),
        DemoJob(
            title="叉车工",
            kind_of_work="叉车工",
            headcount=6,
            wage_min_fen=650000,
            wage_max_fen=800000,
            wage_unit=WageUnit.MONTH,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.DAY_ONLY,
            board=Board.MEAL_ALLOWANCE,
            region="320583",  # 苏州市昆山市
            address="花桥镇绿地大道88号",
            benefits=["五险一金", "节日福利"],
            requirements="持有效叉车证（N1），一年以上仓库叉车经验。",
            duties="持有效叉车证（N1），有一年以上仓库经验，负责卸货、移库、装车。",
            age_max=50,
        ),
        DemoJob(
            title="快递员（花桥片区）",
            kind_of_work="快递员",
            headcount=15,
            wage_min_fen=150,
            wage_max_fen=200,
            wage_unit=WageUnit.PIECE,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.FLEXIBLE,
            board=Board.MEAL_ALLOWANCE,
            region="320583",  # 苏州市昆山市
            address="花桥镇",
            benefits=["电动车", "可预支"],
            requirements="会骑电动车，熟悉手机导航，能吃苦；有快递经验优先。",
            duties="负责花桥片区派件和揽收，每天约150件，多劳多得。公司提供电动车和手机，不收押金。",
        ),
        DemoJob(
            title="仓库打包员（零工）",
            kind_of_work="打包员",
            headcount=20,
            wage_min_fen=18000,
            wage_max_fen=22000,
            wage_unit=WageUnit.DAY,
            pay_schedule=PaySchedule.DAILY,
            shift=Shift.DAY_ONLY,
            board=Board.NONE,
            is_flexible=True,
            region="320585",  # 苏州市太仓市
            address="城厢镇郑和中路",
            benefits=[],
            requirements="手脚麻利，能站立工作；按天报到，无需经验。",
            duties="电商大促打包，按天结算，做满8小时200元左右，可长期。",
            age_max=55,
        ),
    ],
)

AGENCY = DemoOrganisation(
    name="深圳市安心人力资源服务有限公司",
    kind=Organisation.Kind.AGENCY,
    uscc=demo_uscc(division="440306", org_digits="58230417"),
    owner_phone="13900000003",
    owner_name="陈红",
    address="广东省深圳市宝安区西乡街道宝源路1062号",
    region="440306",
    description="持人力资源服务许可证，为珠三角制造企业招聘一线员工，全程免费，不收取求职者任何费用。",
    hr_licence_number="440306202300127",
    hr_licence_issuer="深圳市宝安区人力资源局",
    jobs=[
        DemoJob(
            title="深圳电子厂普工（包吃住 夫妻间）",
            kind_of_work="普工",
            headcount=100,
            wage_min_fen=580000,
            wage_max_fen=700000,
            wage_unit=WageUnit.MONTH,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.TWO_SHIFTS,
            board=Board.ROOM_AND_BOARD,
            couple_rooms=True,
            assembly_line=True,
            region="440309",  # 深圳市龙华区
            address="观澜街道",
            benefits=["五险一金", "免费班车", "空调宿舍"],
            employer_name="深圳市龙华精密电子有限公司",
            employer_uscc=demo_uscc(division="440309", org_digits="61852034"),
            arrangement=Arrangement.DISPATCH,
            requirements="能适应两班倒和流水线作业，视力良好；无经验可学。",
            duties="大型电子厂平板电脑组装，与本公司签劳务派遣合同。包吃住，夫妻可安排夫妻间。无押金，免体检费。",
        ),
        DemoJob(
            title="服装厂缝纫工（计件）",
            kind_of_work="缝纫工",
            headcount=12,
            wage_min_fen=35,
            wage_max_fen=60,
            wage_unit=WageUnit.PIECE,
            pay_schedule=PaySchedule.MONTHLY,
            shift=Shift.DAY_ONLY,
            board=Board.LODGING,
            region="440113",  # 广州市番禺区
            address="南村镇",
            benefits=["全勤奖"],
            employer_name="广州市番禺锦织服饰有限公司",
            employer_uscc=demo_uscc(division="440113", org_digits="72406815"),
            arrangement=Arrangement.PLACEMENT,
            requirements="会平车，做过T恤或卫衣优先。",
            duties="会平车，做过T恤或卫衣优先，计件多劳多得，熟手月入8000以上。",
            age_max=50,
        ),
        DemoJob(
            title="汽车配件厂操作工",
            kind_of_work="操作工",
            headcount=25,
            wage_min_fen=2500,
            wage_max_fen=2800,
            wage_unit=WageUnit.HOUR,
            pay_schedule=PaySchedule.HALF_MONTHLY,
            shift=Shift.TWO_SHIFTS,
            board=Board.ROOM_AND_BOARD,
            couple_rooms=True,
            region="441303",  # 惠州市惠阳区
            address="新圩镇",
            benefits=["五险一金", "加班费"],
            employer_name="惠州市惠阳宏达汽车配件有限公司",
            employer_uscc=demo_uscc(division="441303", org_digits="53907126"),
            arrangement=Arrangement.DISPATCH,
            requirements="能适应两班倒，服从安全规范；有冲压或注塑经验优先。",
            duties="冲压、注塑机台操作，有师傅带，包体检。工作服公司发。",
        ),
        DemoJob(
            title="食品厂包装工（小时工）",
            kind_of_work="包装工",
            headcount=30,
            wage_min_fen=2000,
            wage_max_fen=2000,
            wage_unit=WageUnit.HOUR,
            pay_schedule=PaySchedule.DAILY,
            shift=Shift.FLEXIBLE,
            board=Board.MEAL_ALLOWANCE,
            is_flexible=True,
            region="440306",  # 深圳市宝安区
            address="石岩街道",
            benefits=["日结"],
            employer_name="深圳市宝安麦香食品有限公司",
            employer_uscc=demo_uscc(division="440306", org_digits="40718253"),
            arrangement=Arrangement.PLACEMENT,
            requirements="需办健康证（公司报销），注意个人卫生。",
            duties="烘焙食品装盒、封箱，干净卫生，时间可选，做几小时算几小时。需办健康证（公司报销）。",
            age_max=55,
        ),
    ],
)

PENDING = DemoOrganisation(
    name="佛山市南海区恒通五金制品有限公司",
    kind=Organisation.Kind.COMPANY,
    uscc=demo_uscc(division="440605", org_digits="79120365"),
    owner_phone="13900000004",
    owner_name="黄志明",
    address="广东省佛山市南海区狮山镇松岗工业区",
    region="440605",
    description="不锈钢厨具五金件加工，等待平台审核。",
    status=Organisation.Status.PENDING,
)

DEMO_ORGANISATIONS = (ELECTRONICS, LOGISTICS, AGENCY, PENDING)
