"""Rosters as streets keep them (SPEC §3) import exactly as the same data in our template would.

Each file has a merged title banner, a 填报单位 line, a two-row header (group titles merged
across, names merged down), other ways of writing the headers, a 序号 column, footer notes and
messy cells. After importing it, the template-shaped file of the same data reports every row
unchanged: nothing was read differently.
"""

import datetime

import pytest

from registry.models import Expert, HostUnit, Mediator, Membership, Organization
from tests.factories import make_id
from tests.registry.xlsx import imports_as_template, real_shaped, run_import, write

ZHANG, LI, WANG = make_id(birth="19650312", seq=1), make_id(birth="19701008", seq=2), make_id(birth="19800120", seq=3)


def test_mediators_roster_as_a_street_keeps_it(tmp_path, district, users):
    a, a1 = district.org_a.name, district.org_a1.name
    columns = [
        (None, "序号"),
        (None, "姓名"),
        ("基本情况", "性 别"),
        ("基本情况", "公民身份\n号码"),
        ("基本情况", "出生年月"),
        ("基本情况", "民族"),
        ("基本情况", "政治面貌"),
        ("基本情况", "文化程度"),
        ("基本情况", "联系电话(手机)"),
        ("任职情况", "所在调委会"),
        ("任职情况", "职务"),
        ("任职情况", "是否专职"),
        ("任职情况", "任职时间（年月日）"),
        ("任职情况", "离任时间"),
        ("任职情况", "人员身份"),
        ("任职情况", "擅长领域"),
        (None, "备注"),
    ]
    real = [
        [1, "张三", "男", ZHANG, "1965.03", "汉族", "中共党员", "本科", "13800000001", a, "主任", "是", "2021年3月5日"]
        + ["", "律师、志愿者", "婚姻家庭", ""],
        [2, "张三", "", ZHANG, "1965年3月", "汉族", "", "", "", a1, "调解员", "否", "2021/3/5", "", "", "", ""],
        [3, "李四", "女", LI, 1970.1, "", "群众", "高中", "", a1, "委员", "否", datetime.datetime(2020, 1, 1)]
        + ["2022.12.31", "", "", "兼任网格员"],
        [4, "王五", "", WANG, "198001", "", "", "大专", "138 0000 0003", a, "调解员", "是", "", "", "专业技术人员"]
        + ["物业管理，劳动争议", ""],
    ]
    header = ["姓名", "性别", "身份证号", "出生日期", "民族", "政治面貌", "学历", "联系电话", "所属调解组织", "职务"]
    header += ["专兼职", "任职日期", "离任日期", "人员类别", "专业领域", "备注"]
    template = [
        header,
        ["张三", "男", ZHANG, "1965-03-12", "汉族", "中共党员", "本科", "13800000001", a, "主任", "专职"]
        + ["2021-03-05", "", "律师、志愿者", "婚姻家庭", ""],
        ["张三", "男", ZHANG, "", "汉族", "", "", "", a1, "调解员", "兼职", "2021-03-05", "", "", "", ""],
        ["李四", "女", LI, "1970-10-08", "", "群众", "高中", "", a1, "委员", "兼职", "2020-01-01", "2022-12-31"]
        + ["", "", "兼任网格员"],
        ["王五", "", WANG, "", "", "", "大专", "13800000003", a, "调解员", "专职", "", "", "专业技术人员"]
        + ["物业管理、劳动争议", ""],
    ]
    out = imports_as_template(tmp_path, "mediators", real_shaped(columns, real), template, 4, "--as", "clerk_a")
    assert out["columns"]["公民身份号码"] == "身份证号" and out["columns"]["是否专职"] == "专兼职"
    assert Mediator.objects.get(id_number=LI).birth_date == datetime.date(1970, 10, 8)  # 1970.1 settled by the ID
    assert Membership.objects.get(mediator__id_number=WANG).employment == "专职"
    assert Membership.objects.filter(mediator__id_number=ZHANG, employment="兼职").count() == 1


def test_organizations_as_a_street_keeps_them(tmp_path, district):
    columns = [
        (None, "序号"),
        ("组织情况", "调解组织名称"),
        ("组织情况", "调解组织类型"),
        ("组织情况", "所在镇街"),
        ("组织情况", "成立时间"),
        ("负责人", "主任"),
        ("负责人", "联系方式"),
        (None, "办公地址"),
        (None, "是否成立党组织"),
        (None, "擅长领域"),
    ]
    industry, firm = "新山村街道物业纠纷人民调解委员会", "新山社区演示企业人民调解委员会"
    real = [
        [1, industry, "行业性专业性人民调解委员会", "新山村街道", "2019.6.1", "赵主任", "023-68800001", "新山路1号"]
        + ["是", "物业管理"],
        [2, firm, "企事业单位人民调解委员会", "新山社区", "", "", "", "", "否", ""],
        [3, district.org_a.name, "乡镇（街道）人民调解委员会", "新山村街道", "", "", "", "", "", ""],
    ]
    header = [
        "组织名称",
        "组织类型",
        "所属区划",
        "成立日期",
        "负责人",
        "联系电话",
        "地址",
        "是否建立党组织",
        "专业领域",
    ]
    template = [
        header,
        [industry, "行业性专业性人民调解委员会", "新山村街道", "2019-06-01", "赵主任", "023-68800001"]
        + ["新山路1号", "是", "物业管理"],
        [firm, "企事业单位人民调解委员会", "新山社区", "", "", "", "", "否", ""],
        [district.org_a.name, "乡镇（街道）人民调解委员会", "新山村街道", "", "", "", "", "", ""],
    ]
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(real_shaped(columns, real))
    code, out = run_import("organizations", path)
    assert code == 0 and (out["created"], out["unchanged"]) == (2, 1), out
    code, again = run_import("organizations", write(tmp_path, template, name="template.xlsx"))
    assert (code, again["created"], again["updated"], again["unchanged"]) == (0, 0, 0, 3), again
    assert Organization.objects.get(name=industry).has_party_org is True


def test_host_units_as_a_street_keeps_them(tmp_path, district):
    columns = [(None, "序号"), ("单位情况", "派驻单位名称"), ("单位情况", "单位类别"), ("单位情况", "所属镇街")]
    columns += [("单位情况", "民警人数")]
    real = [[1, "新山村派出所", "派出所", "新山村街道", "25人"], [2, "大渡口区人民法院", "法院", "大渡口区", None]]
    template = [
        ["单位名称", "单位类型", "所属区划", "警力人数"],
        ["新山村派出所", "派出所", "新山村街道", 25],
        ["大渡口区人民法院", "法院", "大渡口区", ""],
    ]
    imports_as_template(tmp_path, "hostunits", real_shaped(columns, real), template, 2)
    assert HostUnit.objects.get(name="新山村派出所").officer_count == 25


def test_experts_as_a_street_keeps_them(tmp_path, district):
    doctor = make_id(birth="19720305", seq=5)
    columns = [(None, "序号"), ("专家信息", "专家姓名"), ("专家信息", "身份证号码"), ("专家信息", "专业特长")]
    columns += [
        ("专家信息", "专业技术职称"),
        ("专家信息", "所在单位"),
        ("专家信息", "手机号"),
        ("专家信息", "入库时间"),
    ]
    columns += [(None, "服务的调解组织")]
    real = [
        [1, "王医生", doctor, "医患纠纷", "主任医师", "区人民医院", "13900000001", "2021.5.1", district.org_a.name],
        [2, "赵律师", "", "商事，知识产权", "律师", "某律师事务所", "", "", ""],
    ]
    template = [
        ["姓名", "身份证号", "专业领域", "职称", "工作单位", "联系电话", "入库日期", "服务调解组织"],
        ["王医生", doctor, "医患纠纷", "主任医师", "区人民医院", "13900000001", "2021-05-01", district.org_a.name],
        ["赵律师", "", "商事、知识产权", "律师", "某律师事务所", "", "", ""],
    ]
    imports_as_template(tmp_path, "experts", real_shaped(columns, real), template, 2)
    assert list(Expert.objects.get(name="王医生").organizations.all()) == [district.org_a]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("1965.03", None),
        ("1965年3月", None),
        ("196503", None),
        ("1965-03", None),
        (1965.03, None),
        ("1965.04", "与身份证号中的出生年月 1965年3月不一致"),
        ("1965.1", "1965年1月或1965年10月"),
        (1965, "只有年份"),
    ],
)
def test_birth_month_is_checked_against_the_id(tmp_path, district, written, expected):
    header = ["姓名", "身份证号", "出生年月", "所属调解组织", "专兼职"]
    path = write(tmp_path, [header, ["张三", ZHANG, written, district.org_a.name, "专职"]])
    code, out = run_import("mediators", path)
    if expected is None:
        assert code == 0, out
        assert Mediator.objects.get().birth_date == datetime.date(1965, 3, 12)
    else:
        assert code == 1 and out["errors"][0]["column"] == "出生日期" and expected in out["errors"][0]["message"]
