"""The organizations columns of SPEC §3 that rules 1 and 9–12 need: 换届日期, 具备专职配备条件,
入驻调解中心, 主管部门 — imported, normalized, re-imported unchanged, refused on the wrong kind."""

import datetime

from registry.models import Organization
from tests.registry.xlsx import run_import, write

HEADER = ["组织名称", "组织类型", "所属区划", "专业领域", "换届日期", "具备专职配备条件", "入驻调解中心", "主管部门"]


def test_plan_columns_import_and_reimport_unchanged(tmp_path, district):
    rows = [
        HEADER,
        ["新山社区人民调解委员会", "村（社区）人民调解委员会", "新山社区", None, "2021年3月5日", "是", None, None],
        [
            "区医患纠纷人民调解委员会",
            "行业性专业性人民调解委员会",
            "大渡口区",
            "医患纠纷",
            "2022/1/1",
            None,
            "是",
            None,
        ],
        ["区公安分局行政调解组织", "行政调解组织", "大渡口区", None, None, None, None, "区公安分局"],
        ["区教委行政调解组织", "行政调解组织", "大渡口区", None, None, None, None, "教育"],
    ]
    path = write(tmp_path, rows)
    assert run_import("organizations", path) == (0, {"created": 3, "updated": 1, "unchanged": 0, "errors": []})
    village = Organization.objects.get(name="新山社区人民调解委员会")
    assert village.term_start == datetime.date(2021, 3, 5) and village.full_time_designated
    industry = Organization.objects.get(name="区医患纠纷人民调解委员会")
    assert industry.in_mediation_centre and industry.term_start == datetime.date(2022, 1, 1)
    assert Organization.objects.get(name="区公安分局行政调解组织").department == "公安"
    assert Organization.objects.get(name="区教委行政调解组织").department == "教育"
    assert run_import("organizations", path)[1] == {"created": 0, "updated": 0, "unchanged": 4, "errors": []}


def test_plan_columns_on_the_wrong_kind_are_row_errors(tmp_path, district):
    rows = [
        HEADER,
        ["新山村街道人民调解委员会", "乡镇（街道）人民调解委员会", "新山村街道", None, None, "是", None, None],
        ["区法院调解室", "其他调解组织", "大渡口区", None, "2021-01-01", None, "是", "公安"],
        ["跃进社区人民调解委员会", "村（社区）人民调解委员会", "跃进社区", None, "2021-13-01", None, None, None],
    ]
    code, out = run_import("organizations", write(tmp_path, rows))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {
        (2, "具备专职配备条件"),
        (3, "换届日期"),
        (3, "入驻调解中心"),
        (3, "主管部门"),
        (4, "换届日期"),
    }
    message = next(e["message"] for e in out["errors"] if e["column"] == "具备专职配备条件")
    assert "村（社区）和企事业单位人民调解委员会" in message
    assert not Organization.objects.filter(name="区法院调解室").exists()
    assert not Organization.objects.get(name="新山村街道人民调解委员会").full_time_designated
