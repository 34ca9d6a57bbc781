"""Imports `trainings` and `attendance` (SPEC §3–4) through the import_xlsx command."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.registry.xlsx import write
from training.models import Attendance, TrainingSession

TRAININGS = ["培训编号", "培训名称", "主办区划", "培训日期", "学时"]
ATTENDANCE = ["培训编号", "身份证号", "姓名"]


def run(capsys, kind, path, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_xlsx", kind, str(path), "--format", "json", *args)
        raise SystemExit(0)
    out = capsys.readouterr().out
    data = json.loads(out)
    data.pop("import_record", None)  # the 导入记录's id, a further key (SPEC §4)
    return exit_info.value.code, data


def test_trainings_import_with_messy_cells_and_a_title_row(district, tmp_path, capsys):
    path = write(
        tmp_path,
        [
            ["序号", *TRAININGS],
            [1, "ＸＳ-2023-01", " 新山村街道集中培训 ", "新山村街道", "2023年3月5日", "２"],
            [2, "QX-2023-01", "区级培训", "大渡口区", datetime.datetime(2023, 5, 10), 4.5],
            [3, "YJ-2023-01", "跃进培训", "跃进村街道", "2023/4/1", None],
        ],
        title="2023年培训台账",
    )
    code, result = run(capsys, "trainings", path)
    assert code == 0, result
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    session = TrainingSession.objects.get(code="XS-2023-01")
    assert (
        session.name == "新山村街道集中培训"
        and session.date == datetime.date(2023, 3, 5)
        and session.hours == Decimal("2")
    )
    assert TrainingSession.objects.get(code="QX-2023-01").hours == Decimal("4.5")
    assert TrainingSession.objects.get(code="YJ-2023-01").hours is None
    # the same file again: everything unchanged, no new history
    history = TrainingSession.history.count()
    code, result = run(capsys, "trainings", path)
    assert code == 0 and (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert TrainingSession.history.count() == history


def test_trainings_bad_rows_write_nothing(district, tmp_path, capsys):
    path = write(
        tmp_path,
        [
            TRAININGS,
            ["A-1", "好的一行", "新山村街道", "2023-03-05", 2],
            ["A-2", "村办培训", "新山社区", "2023-03-05", 2],
            ["A-3", "未知区划", "不存在街道", "2023-03-05", 2],
            ["A-4", "日期错", "新山村街道", "2023-02-30", 2],
            ["A-5", "学时错", "新山村街道", "2023-03-05", "两个"],
            ["A-1", "重复编号", "新山村街道", "2023-03-06", 2],
        ],
    )
    code, result = run(capsys, "trainings", path)
    assert code == 1
    errors = {(e["row"], e["column"]) for e in result["errors"]}
    assert errors == {(3, "主办区划"), (4, "主办区划"), (5, "培训日期"), (6, "学时"), (7, "培训编号")}
    assert not TrainingSession.objects.exists()


def test_clerk_imports_only_own_town_sessions(district, users, tmp_path, capsys):
    path = write(
        tmp_path,
        [
            TRAININGS,
            ["XS-1", "本镇街", "新山村街道", "2023-03-05", 2],
            ["QX-1", "区级", "大渡口区", "2023-03-05", 2],
            ["YJ-1", "别的街道", "跃进村街道", "2023-03-05", 2],
        ],
    )
    code, result = run(capsys, "trainings", path, "--as", "clerk_a")
    assert code == 1
    assert {(e["row"], e["column"]) for e in result["errors"]} == {(3, "主办区划"), (4, "主办区划")}
    assert not TrainingSession.objects.exists()


@pytest.fixture
def sessions(year):
    return year


def test_attendance_import_and_reimport(sessions, tmp_path, capsys):
    s = sessions
    path = write(
        tmp_path,
        [
            ATTENDANCE,
            ["XS-2023-02", s.jia.id_number, "甲"],
            ["XS-2023-02", s.wu.id_number.lower(), " 戊 "],
            ["QX-2023-01", s.yi.id_number, "乙"],
            ["XS-2023-02", s.jia.id_number, "甲"],  # signed twice: still one attendance
            ["XS-2023-01", s.jia.id_number, "甲"],  # already recorded
        ],
    )
    code, result = run(capsys, "attendance", path)
    assert code == 0, result
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 2)
    assert Attendance.objects.filter(session=s.a2).count() == 2
    assert Attendance.objects.filter(session=s.a2, mediator=s.jia).count() == 1
    history = Attendance.history.count()
    code, result = run(capsys, "attendance", path)
    assert code == 0 and (result["created"], result["unchanged"]) == (0, 5)
    assert Attendance.history.count() == history


def test_attendance_bad_rows(sessions, tmp_path, capsys):
    s = sessions
    before = Attendance.objects.count()
    path = write(
        tmp_path,
        [
            ATTENDANCE,
            ["XS-2023-02", s.jia.id_number, "甲"],
            ["NO-SUCH", s.jia.id_number, "甲"],
            ["XS-2023-02", s.wu.id_number, "王五"],
            ["XS-2023-02", 5.00104199001011e17, "甲"],
            ["XS-2023-02", s.jia.id_number[:-1] + ("0" if s.jia.id_number[-1] != "0" else "1"), "甲"],
        ],
    )
    code, result = run(capsys, "attendance", path)
    assert code == 1
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert set(errors) == {(3, "培训编号"), (4, "姓名"), (5, "身份证号"), (6, "身份证号")}
    assert "戊" in errors[(4, "姓名")] and "王五" in errors[(4, "姓名")]
    assert "四舍五入" in errors[(5, "身份证号")]
    assert Attendance.objects.count() == before


def test_clerk_attendance_scope(sessions, users, tmp_path, capsys):
    s = sessions
    path = write(
        tmp_path,
        [
            ATTENDANCE,
            ["XS-2023-02", s.wu.id_number, "戊"],  # own mediator, own session
            ["QX-2023-01", s.wu.id_number, "戊"],  # own mediator at a district session: allowed
            ["QX-2023-01", s.yi.id_number, "乙"],  # another town's mediator at a district session: bureau only
            ["XS-2023-02", s.ding.id_number, "丁"],  # another town's mediator
            ["YJ-2023-01", s.wu.id_number, "戊"],  # another town's session
        ],
    )
    code, result = run(capsys, "attendance", path, "--as", "clerk_a")
    assert code == 1
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert set(errors) == {(4, "身份证号"), (5, "身份证号"), (6, "培训编号")}
    assert "乙" not in errors[(4, "身份证号")]  # no word on who that ID belongs to
    assert not Attendance.objects.filter(mediator=s.wu).exists()
    # without the bad rows the clerk's sheet goes in; the bureau records 乙 at the district session
    ok = write(
        tmp_path,
        [ATTENDANCE, ["XS-2023-02", s.wu.id_number, "戊"], ["QX-2023-01", s.wu.id_number, "戊"]],
        name="ok.xlsx",
    )
    assert run(capsys, "attendance", ok, "--as", "clerk_a")[0] == 0
    assert Attendance.history.filter(mediator_id=s.wu.pk).first().history_user == users.clerk_a
    bureau = write(tmp_path, [ATTENDANCE, ["QX-2023-01", s.yi.id_number, "乙"]], name="bureau.xlsx")
    assert run(capsys, "attendance", bureau, "--as", "bureau")[0] == 0
    assert Attendance.objects.filter(session=s.d1, mediator=s.yi).exists()


def test_header_only_file_is_unusable(district, tmp_path, capsys):
    code, result = run(capsys, "attendance", write(tmp_path, [ATTENDANCE]))
    assert code == 2 and result["errors"][0]["message"]
    code, result = run(capsys, "trainings", write(tmp_path, [["培训编号", "培训名称"], ["A", "B"]], name="b.xlsx"))
    assert code == 2 and "主办区划" in result["errors"][0]["message"]


def test_attendance_import_query_count_is_constant(sessions, district, tmp_path, capsys, django_assert_max_num_queries):
    from tests.factories import make_mediator, make_post

    people = []
    for n in range(40):
        person = make_mediator(f"参训{n}")
        make_post(person, district.org_a1)
        people.append(person)
    small = write(tmp_path, [ATTENDANCE] + [["XS-2023-02", p.id_number, p.name] for p in people[:4]], name="s.xlsx")
    big = write(tmp_path, [ATTENDANCE] + [["XS-2023-01", p.id_number, p.name] for p in people], name="b.xlsx")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_q:
        assert run(capsys, "attendance", small)[0] == 0
    with CaptureQueriesContext(connection) as big_q:
        assert run(capsys, "attendance", big)[0] == 0
    assert len(big_q) <= len(small_q) + 2, (len(small_q), len(big_q))


def test_code_spelled_with_full_width_punctuation_is_the_same_session(district, tmp_path, capsys):
    first = write(tmp_path, [TRAININGS, ["XS-2023-01", "培训", "新山村街道", "2023-03-05", 2]], name="a.xlsx")
    assert run(capsys, "trainings", first)[0] == 0
    again = write(
        tmp_path,
        [
            TRAININGS,
            ["ＸＳ－2023－01", "培训", "新山村街道", "2023-03-05", 2],
            ["XS-2023-01 ", "培训", "新山村街道", "2023-03-05", 2],
        ],
        name="b.xlsx",
    )
    code, result = run(capsys, "trainings", again)
    assert code == 1 and result["errors"][0]["row"] == 3 and "重复" in result["errors"][0]["message"]
    again = write(tmp_path, [TRAININGS, ["ＸＳ－2023－01", "培训", "新山村街道", "2023-03-05", 3]], name="c.xlsx")
    code, result = run(capsys, "trainings", again)
    assert code == 0 and result["updated"] == 1 and TrainingSession.objects.get().hours == Decimal("3")
