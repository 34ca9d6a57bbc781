"""Imports `commendations` and `studios` (SPEC §3–4) through the import_xlsx command."""

import datetime

from branding.models import Commendation, Studio
from registry.models import Employment
from tests.factories import make_mediator, make_post
from tests.registry.xlsx import run_import, write

D = datetime.date
COMMENDATIONS = ["表彰对象类型", "姓名或组织名称", "身份证号", "表彰名称", "表彰级别", "授予单位", "文号", "表彰日期"]
STUDIOS = ["工作室名称", "命名调解员身份证号", "所属调解组织", "命名日期", "状态"]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def test_commendations_import_with_messy_cells(brands, district, tmp_path):
    path = write(
        tmp_path,
        [
            ["序号", *COMMENDATIONS],
            [
                1,
                "个人",
                " 李师傅 ",
                fullwidth(brands.li.id_number),
                "重庆市优秀人民调解员",
                "省部级",
                "重庆市司法局",
                "渝司发〔2022〕9号",
                "2022年12月10日",
            ],
            [
                2,
                "集体",
                "新山村街道人民调解委员会",
                None,
                "区先进集体",
                " 区级 ",
                None,
                None,
                datetime.datetime(2022, 1, 5),
            ],
            [3, "个人", "马大姐", brands.ma.id_number, "区优秀调解员", "区级", None, None, "2020/12/1"],
        ],
        title="2022年表彰名单",
    )
    code, result = run_import("commendations", path)
    assert code == 0, result
    # 马大姐's 区优秀调解员 of 2020-12-01 is already stored (issuer and 文号 blank both times)
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 1)
    item = Commendation.objects.get(mediator=brands.li)
    assert (item.level, item.date, item.document_number) == ("省部级", D(2022, 12, 10), "渝司发〔2022〕9号")
    assert Commendation.objects.get(organization=district.org_a).title == "区先进集体"
    history = Commendation.history.count()
    code, result = run_import("commendations", path)
    assert (code, result["created"], result["updated"], result["unchanged"]) == (0, 0, 0, 3)
    assert Commendation.history.count() == history


def test_a_changed_level_updates(brands, tmp_path):
    rows = [COMMENDATIONS, ["个人", "马大姐", brands.ma.id_number, "区优秀调解员", "市级", "", "", "2020-12-01"]]
    code, result = run_import("commendations", write(tmp_path, rows))
    assert (code, result["updated"]) == (0, 1)
    assert Commendation.objects.get(mediator=brands.ma, title="区优秀调解员").level == "市级"


def test_commendation_row_errors_write_nothing(brands, district, tmp_path):
    rows = [
        COMMENDATIONS,
        ["个人", "马大姐", "", "缺身份证", "区级", "", "", "2022-01-01"],  # 2: no ID
        ["集体", "新山村街道人民调解委员会", brands.ma.id_number, "两个对象", "区级", "", "", "2022-01-01"],  # 3: both
        ["个人", "马大姐", brands.ma.id_number, "级别错", "省级", "", "", "2022-01-01"],  # 4: level
        ["集体", "不存在的调委会", "", "未知组织", "区级", "", "", "2022-01-01"],  # 5: unknown org
        ["个人", "马小姐", brands.ma.id_number, "名字不符", "区级", "", "", "2022-01-01"],  # 6: name mismatch
        ["团伙", "马大姐", brands.ma.id_number, "类型错", "区级", "", "", "2022-01-01"],  # 7: kind
        ["个人", "李师傅", brands.li.id_number, "好", "区级", "", "", "2022-02-01"],  # 8: fine
        ["个人", "李师傅", brands.li.id_number, "好", "区级", "", "", "2022-02-01"],  # 9: duplicate of 8
        ["个人", "李师傅", "5.00104199001011E+17", "舍入", "区级", "", "", "2022-02-01"],  # 10: rounded ID
        ["个人", "李师傅", brands.li.id_number, "无日期", "区级", "", "", ""],  # 11: no date
    ]
    before = Commendation.objects.count()
    code, result = run_import("commendations", write(tmp_path, rows))
    assert code == 1
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert "个人表彰必须填写" in errors[(2, "身份证号")]
    assert "集体表彰的对象是调解组织，不填身份证号" in errors[(3, "身份证号")]
    assert "国家级、省部级、市级、区级、镇街级" in errors[(4, "表彰级别")]
    assert "不存在的调委会" in errors[(5, "姓名或组织名称")]
    assert "马小姐" in errors[(6, "姓名或组织名称")] and "马大姐" in errors[(6, "姓名或组织名称")]
    assert "个人、集体" in errors[(7, "表彰对象类型")]
    assert "与第8行重复" in errors[(9, "表彰名称")]
    assert "四舍五入" in errors[(10, "身份证号")]
    assert "表彰日期不能为空" in errors[(11, "表彰日期")]
    assert not any(e["row"] == 8 for e in result["errors"])
    assert Commendation.objects.count() == before


def test_clerk_imports_only_own_town(brands, users, district, tmp_path):
    rows = [
        COMMENDATIONS,
        ["个人", "马大姐", brands.ma.id_number, "街道调解能手", "镇街级", "", "", "2022-01-01"],
        ["个人", "王调解", brands.wang.id_number, "街道调解能手", "镇街级", "", "", "2022-01-01"],
        ["集体", "跃进村街道人民调解委员会", "", "先进集体", "镇街级", "", "", "2022-01-01"],
    ]
    code, result = run_import("commendations", write(tmp_path, rows), "--as", "hr")
    assert code == 0, result  # hr: the whole district
    Commendation.objects.filter(title__in=["街道调解能手", "先进集体"]).delete()
    code, result = run_import("commendations", write(tmp_path, rows, name="b.xlsx"), "--as", "clerk_a")
    # a clerk may not import commendations at all (HR's records), whatever the town
    assert code == 2 and "权限" in result["errors"][0]["message"]
    assert not Commendation.objects.filter(title="街道调解能手").exists()


def test_studios_import(brands, district, tmp_path):
    newcomer = make_mediator("陈姐")
    make_post(newcomer, district.org_b1, employment=Employment.PART_TIME, start=D(2018, 1, 1))
    path = write(
        tmp_path,
        [
            STUDIOS,
            ["陈姐工作室", newcomer.id_number, "跃进社区人民调解委员会", "2022.6.1", None],  # status derived: 已命名
            ["老王工作室", brands.wang.id_number, "跃进村街道人民调解委员会", "2024-01-01", "已命名"],  # update
            [" 老马工作室 ", brands.ma.id_number, "新山社区人民调解委员会", "2021-05-01", "已命名"],  # unchanged
            ["培育室", newcomer.id_number, "跃进社区人民调解委员会", None, None],  # 培育中
        ],
    )
    code, result = run_import("studios", path)
    assert code == 0, result
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 1, 1)
    assert Studio.objects.get(name="陈姐工作室").status == "已命名"
    assert Studio.objects.get(name="培育室").status == "培育中"
    wang = Studio.objects.get(name="老王工作室")
    assert (wang.status, wang.named_date) == ("已命名", D(2024, 1, 1))
    code, result = run_import("studios", path)
    assert (code, result["unchanged"]) == (0, 4)


def test_studio_namesake_must_be_a_member_in_imports(brands, district, tmp_path):
    rows = [
        STUDIOS,
        ["越界工作室", brands.li.id_number, "跃进村街道人民调解委员会", "2022-01-01", "已命名"],
        ["太早工作室", brands.li.id_number, "新山村街道人民调解委员会", "2019-06-01", "已命名"],
        ["状态错工作室", brands.li.id_number, "新山村街道人民调解委员会", "2022-01-01", "挂牌"],
        ["无人工作室", "110101199003074514", "新山村街道人民调解委员会", "2022-01-01", "已命名"],
    ]
    code, result = run_import("studios", write(tmp_path, rows))
    assert code == 1
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert "不是“跃进村街道人民调解委员会”的在任成员" in errors[(2, "命名调解员身份证号")]
    assert "2019-06-01" in errors[(3, "命名调解员身份证号")]
    assert "培育中、已命名" in errors[(4, "状态")]
    assert "不存在" in errors[(5, "命名调解员身份证号")]
    assert not Studio.objects.filter(name__endswith="工作室", name__in=[r[0] for r in rows[1:]]).exists()


def test_studio_import_query_count_is_constant(brands, district, tmp_path, django_assert_max_num_queries):
    def studios_file(n, name):
        people = []
        for i in range(n):
            person = make_mediator(f"人{name}{i}")
            make_post(person, district.org_a, employment=Employment.PART_TIME, start=D(2019, 1, 1))
            people.append(person)
        return write(
            tmp_path,
            [STUDIOS]
            + [[f"{name}工作室{i}", p.id_number, district.org_a.name, "2022-01-01", ""] for i, p in enumerate(people)],
            name=f"{name}.xlsx",
        )

    small, large = studios_file(2, "小"), studios_file(30, "大")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert run_import("studios", small)[0] == 0
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run_import("studios", large)[0] == 0


def test_studio_import_scope_for_hr_and_permissions(brands, users, district, tmp_path):
    rows = [STUDIOS, ["老王工作室", brands.wang.id_number, "跃进村街道人民调解委员会", "2024-01-01", "已命名"]]
    code, result = run_import("studios", write(tmp_path, rows), "--as", "clerk_b")
    assert code == 2 and "权限" in result["errors"][0]["message"]
    code, result = run_import("studios", write(tmp_path, rows, name="hr.xlsx"), "--as", "hr")
    assert (code, result["updated"]) == (0, 1)
    assert Studio.objects.get(name="老王工作室").history.first().history_user == users.hr


def test_header_only_file_is_unusable(db, tmp_path):
    code, result = run_import("studios", write(tmp_path, [STUDIOS]))
    assert code == 2 and result["errors"][0]["message"]
    code, result = run_import(
        "commendations", write(tmp_path, [["表彰名称", "表彰日期"], ["x", "2022-01-01"]], name="m.xlsx")
    )
    assert code == 2 and "表彰对象类型" in result["errors"][0]["message"]


def test_scope_holds_even_for_a_clerk_given_the_rights(brands, users, district, tmp_path):
    """Lookups are scoped, so another town's people and organizations are simply not found."""
    from django.contrib.auth.models import Permission

    clerk = users.clerk_a
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="branding",
            codename__in=["add_commendation", "change_commendation", "add_studio", "change_studio"],
        )
    )
    rows = [
        COMMENDATIONS,
        ["个人", "马大姐", brands.ma.id_number, "街道调解能手", "镇街级", "", "", "2022-01-01"],
        ["个人", "王调解", brands.wang.id_number, "街道调解能手", "镇街级", "", "", "2022-01-01"],
        ["集体", "跃进村街道人民调解委员会", "", "先进集体", "镇街级", "", "", "2022-01-01"],
    ]
    code, result = run_import("commendations", write(tmp_path, rows), "--as", "clerk_a")
    assert code == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "身份证号"), (4, "姓名或组织名称")]
    assert all("不在您的管辖范围内" in e["message"] for e in result["errors"])
    rows = [
        STUDIOS,
        ["老王工作室", brands.wang.id_number, "跃进村街道人民调解委员会", "2024-01-01", "已命名"],
        ["老马工作室", brands.ma.id_number, "新山社区人民调解委员会", "2021-05-01", "已命名"],
    ]
    code, result = run_import("studios", write(tmp_path, rows, name="s.xlsx"), "--as", "clerk_a")
    assert code == 1 and {e["row"] for e in result["errors"]} == {2}
    assert Studio.objects.get(name="老王工作室").status == "培育中"
