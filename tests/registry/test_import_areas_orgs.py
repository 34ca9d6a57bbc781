"""areas, hostunits, organizations and experts through import_xlsx."""

import datetime

from registry.models import Area, Expert, HostUnit, Organization
from tests.factories import make_id
from tests.registry.xlsx import run_import, write


def test_areas_file_defines_parents_in_any_order_and_reimports_unchanged(tmp_path, district):
    rows = [
        ["区划名称", "区划层级", "上级区划"],
        ["新村一组演示村", "村", "八桥镇"],  # its parent comes later in the file
        ["八桥镇", "乡镇", "大渡口区"],
        [" 新山社区 ", "社区", "新山村街道"],  # already stored: unchanged
    ]
    path = write(tmp_path, rows)
    assert run_import("areas", path) == (0, {"created": 2, "updated": 0, "unchanged": 1, "errors": []})
    assert Area.objects.get(name="新村一组演示村").parent.name == "八桥镇"
    before = Area.history.count()
    assert run_import("areas", path)[1] == {"created": 0, "updated": 0, "unchanged": 3, "errors": []}
    assert Area.history.count() == before


def test_bad_area_rows_all_reported(tmp_path, district):
    rows = [
        ["区划名称", "区划层级", "上级区划"],
        ["甲村", "村", ""],  # a village needs a parent
        ["乙村", "省", "新山村街道"],  # unknown level
        ["丙村", "村", "不存在街道"],
        ["丁街道", "街道", "新山社区"],  # wrong parent level
    ]
    code, out = run_import("areas", write(tmp_path, rows))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {
        (2, "上级区划"),
        (3, "区划层级"),
        (4, "上级区划"),
        (5, "上级区划"),
    }
    assert not Area.objects.filter(name__in=["甲村", "乙村", "丙村", "丁街道"]).exists()


def test_clerk_may_add_villages_to_own_town_only(tmp_path, district, users):
    rows = [
        ["区划名称", "区划层级", "上级区划"],
        ["新山二社区", "社区", "新山村街道"],
        ["跃进二社区", "社区", "跃进村街道"],
    ]
    code, out = run_import("areas", write(tmp_path, rows), "--as", "clerk_a")
    assert code == 1 and [(e["row"], e["column"]) for e in out["errors"]] == [(3, "区划名称")]


def test_hostunits_and_organizations(tmp_path, district):
    units = [
        ["单位名称", "单位类型", "所属区划", "警力人数"],
        ["新山村派出所", "派出所", "新山村街道", "２５"],
        ["大渡口区人民法院", "法院", "大渡口区", None],
    ]
    assert run_import("hostunits", write(tmp_path, units, name="u.xlsx"))[1]["created"] == 2
    assert HostUnit.objects.get(name="新山村派出所").officer_count == 25
    orgs = [
        [
            "组织名称",
            "组织类型",
            "所属区划",
            "派驻单位",
            "专业领域",
            "成立日期",
            "负责人",
            "联系电话",
            "地址",
            "是否建立党组织",
        ],
        [
            "新山村派出所驻所调解室",
            "驻派出所调解室",
            "新山村街道",
            "新山村派出所",
            "",
            44197,
            "王",
            "023-68123456",
            "",
            "是",
        ],
        [
            "大渡口区医患纠纷人民调解委员会",
            "行业性专业性人民调解委员会",
            "大渡口区",
            "",
            "医患纠纷",
            "2020年1月1日",
            "",
            "",
            "",
            "否",
        ],
        ["新山村街道人民调解委员会", "乡镇(街道)人民调解委员会", "新山村街道", "", "", "", "", "", "", ""],
    ]
    path = write(tmp_path, orgs, name="o.xlsx")
    assert run_import("organizations", path)[1] == {"created": 2, "updated": 0, "unchanged": 1, "errors": []}
    room = Organization.objects.get(name="新山村派出所驻所调解室")
    assert (
        room.founded_date == datetime.date(2021, 1, 1) and room.has_party_org and room.host_unit.name == "新山村派出所"
    )
    assert run_import("organizations", path)[1]["unchanged"] == 3


def test_bad_organization_rows(tmp_path, district, users):
    rows = [
        ["组织名称", "组织类型", "所属区划", "派驻单位", "是否建立党组织"],
        ["甲委员会", "村（社区）人民调解委员会", "新山村街道", "", ""],  # a village committee in a street
        ["乙委员会", "居委会", "新山社区", "", ""],
        ["丙委员会", "其他调解组织", "不存在", "", "也许"],
        ["丁委员会", "其他调解组织", "跃进社区", "", ""],  # another town for clerk_a
    ]
    code, out = run_import("organizations", write(tmp_path, rows), "--as", "clerk_a")
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {
        (2, "所属区划"),
        (3, "组织类型"),
        (4, "所属区划"),
        (4, "是否建立党组织"),
        (5, "所属区划"),
    }


def test_experts_by_id_or_name_and_employer(tmp_path, district, users):
    rows = [
        ["姓名", "身份证号", "专业领域", "职称", "工作单位", "联系电话", "入库日期", "服务调解组织"],
        [
            "周医生",
            make_id(seq=81),
            "医患纠纷、心理服务",
            "主任医师",
            "区人民医院",
            "",
            "2021-01-01",
            "新山村街道人民调解委员会",
        ],
        ["吴律师", "", "劳动争议", "律师", "某律师事务所", "", "", "新山村街道人民调解委员会，新山社区人民调解委员会"],
    ]
    path = write(tmp_path, rows)
    assert run_import("experts", path, "--as", "clerk_a")[1] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    wu = Expert.objects.get(name="吴律师")
    assert wu.organizations.count() == 2 and wu.id_number is None
    before = Expert.history.count()
    assert run_import("experts", path, "--as", "clerk_a")[1]["unchanged"] == 2
    assert Expert.history.count() == before
    rows[2][7] = "新山村街道人民调解委员会"
    assert run_import("experts", write(tmp_path, rows, name="2.xlsx"))[1] == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "errors": [],
    }
    assert wu.organizations.count() == 1
    rows[2][7] = "跃进村街道人民调解委员会"
    code, out = run_import("experts", write(tmp_path, rows, name="3.xlsx"), "--as", "clerk_a")
    assert code == 1 and {(e["row"], e["column"]) for e in out["errors"]} == {(3, "服务调解组织")}


def test_bad_hostunit_rows_and_unchanged_reimport(tmp_path, district):
    good = [["单位名称", "单位类型", "所属区划", "警力人数"], ["跃进村派出所", "派出所", "跃进村街道", 30]]
    path = write(tmp_path, good)
    assert run_import("hostunits", path)[0] == 0
    before = HostUnit.history.count()
    assert run_import("hostunits", path)[1] == {"created": 0, "updated": 0, "unchanged": 1, "errors": []}
    assert HostUnit.history.count() == before
    bad = good + [
        ["甲所", "公安局", "跃进村街道", ""],
        ["乙所", "派出所", "火星", "-3"],
        ["跃进村派出所", "派出所", "跃进村街道", "二十"],
    ]
    code, out = run_import("hostunits", write(tmp_path, bad, name="bad.xlsx"))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {
        (3, "单位类型"),
        (4, "所属区划"),
        (4, "警力人数"),
        (5, "警力人数"),
    }
    assert HostUnit.objects.count() == 1 and HostUnit.history.count() == before


def test_bad_expert_rows(tmp_path, district):
    rows = [
        ["姓名", "身份证号", "专业领域", "工作单位", "联系电话", "服务调解组织"],
        ["甲", "", "", "某单位", "", ""],  # 专业领域 is required
        ["乙", "123", "商事", "", "abc", "不存在的委员会"],
        ["丙", "", "商事", "某单位", "", ""],
        ["丙", "", "商事", "某单位", "", ""],  # the same expert twice
    ]
    code, out = run_import("experts", write(tmp_path, rows))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {
        (2, "专业领域"),
        (3, "身份证号"),
        (3, "联系电话"),
        (3, "服务调解组织"),
        (5, "姓名"),
    }
    assert not Expert.objects.exists()


def test_clerk_export_and_reimport_of_an_expert_keeps_other_towns_organizations(tmp_path, district, users, client_as):
    from django.urls import reverse

    expert = Expert.objects.create(name="郑专家", domains="商事", employer="某所")
    expert.organizations.set([district.org_a, district.org_b])
    response = client_as(users.clerk_a).get(reverse("admin:registry_expert_export"))
    import io

    import openpyxl

    cells = [
        c
        for row in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
        for c in row
    ]
    assert "新山村街道人民调解委员会" in cells and not any(c and "跃进" in str(c) for c in cells)
    path = tmp_path / "experts.xlsx"
    path.write_bytes(response.content)
    assert run_import("experts", path, "--as", "clerk_a")[1]["unchanged"] == 1
    assert expert.organizations.count() == 2
