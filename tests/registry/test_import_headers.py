"""Recognizing a header (SPEC §3) and --map (SPEC §4)."""

import pytest

from registry.kernel.excel.engine import resource_for
from registry.kernel.excel.headers import HeaderProblem, recognize
from registry.models import Membership
from tests.factories import make_id
from tests.registry.xlsx import run_import, write

A = "新山村街道人民调解委员会"


def read(header_rows, kind="mediators", mapping=None):
    return recognize([*header_rows, ["张三", "x", "y", "z"]], resource_for(kind).header_index(), mapping)


@pytest.mark.parametrize(
    "written, column",
    [
        ("身份证\n号码", "身份证号"),
        (" 姓　名 ", "姓名"),
        ("*姓名", "姓名"),
        ("★身份证号", "身份证号"),
        ("所属调解组织（必填）", "所属调解组织"),
        ("任职时间（年月日）", "任职日期"),
        ("联系电话(手机)", "联系电话"),
        ("专（兼）职", "专兼职"),
        ("ＳＰＥＣ", None),
    ],
)
def test_header_text_is_normalized_before_comparing(written, column):
    base = ["姓名", "身份证号", "所属调解组织", "专兼职"]
    header = [written if c == column else c for c in base]
    if header == base:
        header.append(written)
    found = read([header])
    if column is None:
        assert found.ignored == [written]
    else:
        assert found.positions[column] == header.index(written)


def test_the_header_is_found_below_a_title_and_a_unit_line():
    found = read(
        [
            ["2022年花名册"],
            ["填报单位（盖章）：新山村街道司法所"],
            ["序号", "姓名", "身份证号码", "所在调委会", "专兼职"],
        ]
    )
    assert found.header_index == 2 and found.positions == {"姓名": 1, "身份证号": 2, "所属调解组织": 3, "专兼职": 4}
    assert found.ignored == ["序号"]


def test_two_row_header_names_come_from_the_lower_cell_or_the_merged_cell_above():
    found = read(
        [["序号", "姓名", "基本情况", None, "任职情况", None], [None, None, "性别", "身份证号", "调解组织", "是否专职"]]
    )
    assert found.header_rows == 2 and found.header_index == 1
    assert found.positions == {"姓名": 1, "性别": 2, "身份证号": 3, "所属调解组织": 4, "专兼职": 5}
    assert found.translations["专兼职"] == {"是": "专职", "否": "兼职"}


def test_two_headers_that_could_be_the_same_column_are_refused_with_both_named():
    with pytest.raises(HeaderProblem) as problem:
        read([["姓名", "身份证号", "所属调解组织", "专兼职", "手机", "电话"]])
    assert "“手机”和“电话”都可能是“联系电话”" in str(problem.value)


def test_a_header_that_could_be_two_columns_is_refused_until_mapped(tmp_path, district):
    path = write(
        tmp_path, [["姓名", "身份证号", "所属调解组织", "专兼职", "身份"], ["张三", make_id(seq=1), A, "专职", "律师"]]
    )
    code, out = run_import("mediators", path)
    assert code == 2 and "表头“身份”既可能是“政治面貌”也可能是“人员类别”" in out["errors"][0]["message"]
    code, out = run_import("mediators", path, "--map", "身份=人员类别")
    assert code == 0 and Membership.objects.get().mediator.categories == "律师"


def test_an_exact_header_wins_over_a_synonym_and_a_mapping():
    found = read([["姓名", "身份证号", "身份证", "所属调解组织", "专兼职"]], mapping={"身份证": "身份证号"})
    assert found.positions["身份证号"] == 1 and "身份证" in found.ignored
    assert found.unused_mappings and "未采用" in found.unused_mappings[0]


def test_missing_required_column_names_what_the_file_has():
    with pytest.raises(HeaderProblem) as problem:
        read([["姓名", "证件号", "所属调解组织", "专兼职"]])
    assert problem.value.missing == ["身份证号"] and problem.value.unknown == ["证件号"]
    assert "缺少必填列：身份证号" in str(problem.value) and "证件号" in str(problem.value)


def test_map_makes_a_refused_file_import(tmp_path, district):
    path = write(tmp_path, [["姓名", "证件号", "单位", "专兼职"], ["张三", make_id(seq=1), A, "专职"]])
    assert run_import("mediators", path)[0] == 2
    code, out = run_import("mediators", path, "--map", "证件号=身份证号", "--map", "单位=所属调解组织")
    assert (code, out["created"]) == (0, 1), out
    assert out["columns"] == {"证件号": "身份证号", "单位": "所属调解组织"}
    assert Membership.objects.get().organization.name == A


@pytest.mark.parametrize("mapping", ["证件号=身份证号码X", "证件号", "=身份证号"])
def test_map_to_an_unknown_column_is_exit_2(tmp_path, district, mapping):
    # a file that would import as it is: the bad request alone is the reason for exit 2
    path = write(
        tmp_path, [["姓名", "身份证号", "证件号", "所属调解组织", "专兼职"], ["张三", make_id(seq=1), "", A, "专职"]]
    )
    code, out = run_import("mediators", path, "--map", mapping)
    assert code == 2 and len(out["errors"]) == 1 and "Traceback" not in out["errors"][0]["message"]
    assert "身份证号码X" not in mapping or "“身份证号码X”不是mediators的列" in out["errors"][0]["message"]
    assert not Membership.objects.exists()


def test_footer_rows_are_ignored_and_named(tmp_path, district):
    rows = [
        ["序号", "姓名", "身份证号", "所属调解组织", "专兼职"],
        [1, "张三", make_id(seq=1), A, "专职"],
        [],
        ["合计：1人"],
        ["填表人：王芳", None, "审核人：李强", None, "填报日期：2022年7月1日"],
        [None, "（盖章）"],
        ["制表人 张华"],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert (code, out["created"]) == (0, 1), out
    assert out["ignored_rows"] == [
        {"row": 4, "text": "合计：1人"},
        {"row": 5, "text": "填表人：王芳 审核人：李强 填报日期：2022年7月1日"},
        {"row": 6, "text": "（盖章）"},
        {"row": 7, "text": "制表人 张华"},
    ]


def test_a_yes_no_column_that_says_something_else_is_a_row_error(tmp_path, district):
    rows = [["姓名", "身份证号", "所属调解组织", "是否专职"], ["张三", make_id(seq=1), A, "也许"]]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1 and out["errors"][0]["column"] == "专兼职" and "也许" in out["errors"][0]["message"]


def test_the_clerks_documentation_lists_every_synonym():
    from pathlib import Path

    from registry.kernel.excel.engine import import_kinds

    doc = (Path(__file__).resolve().parents[2] / "docs" / "导入说明.md").read_text()
    section = doc.split("表头的其他写法\n", 1)[1].split("\n## ", 1)[0]
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|")) for line in section.splitlines()}
    for kind in import_kinds():
        for column, synonyms in resource_for(kind).header_index().listed.items():
            for synonym in synonyms:
                assert any(column in row and synonym.describe() in row[-1].split("、") for row in rows), (
                    kind,
                    column,
                    synonym.header,
                )
