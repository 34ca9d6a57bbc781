import datetime

from registry.models import Employment, Mediator, Membership
from tests.factories import make_id, make_mediator, make_post
from tests.registry.xlsx import run_import, write

HEADER = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "联系电话",
    "所属调解组织",
    "职务",
    "专兼职",
    "任职日期",
    "离任日期",
    "人员类别",
    "专业领域",
    "备注",
]
A, A1, B = "新山村街道人民调解委员会", "新山社区人民调解委员会", "跃进村街道人民调解委员会"


def history_count() -> int:
    return Mediator.history.count() + Membership.history.count()


def messy_rows(id1, id2):
    fullwidth = id1[:-1].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + id1[-1]
    return [
        HEADER,
        [
            1,
            " 张三 ",
            "",
            fullwidth,
            datetime.datetime(1970, 1, 1),
            13800138000.0,
            A,
            "主任",
            "专职",
            datetime.datetime(2021, 3, 5),
            None,
            "律师，志愿者",
            "婚姻家庭;物业管理",
            "",
        ],
        [2, "张三", "男", id1, "1970年1月1日", "138 0013 8000", A1, "", "兼职", "2021/3/5", "", "志愿者、律师", "", ""],
        [3, "李四", "", id2.lower(), "", "", A1, "委员", "专职", "2021.3.5", "2022-12-31", "", "", "演示"],
        [4, None, None, None, None, None, None, None, None, None, None, None, None, None],  # numbered empty line
    ]


def test_messy_file_imports_with_canonical_values(tmp_path, district, users):
    id1, id2 = make_id(seq=11), make_id(seq=22, prefix="510203")
    path = write(tmp_path, messy_rows(id1, id2), title="2022年新山村街道人民调解员花名册")
    code, out = run_import("mediators", path, "--as", "clerk_a")
    assert (code, out) == (0, {"created": 3, "updated": 0, "unchanged": 0, "errors": []})
    zhang = Mediator.objects.get(id_number=id1)
    assert (zhang.name, zhang.gender, zhang.phone) == ("张三", "男", "13800138000")
    assert zhang.categories == "律师、志愿者" and zhang.domains == "婚姻家庭、物业管理"
    posts = {p.organization.name: p for p in zhang.memberships.all()}
    assert posts[A].start_date == datetime.date(2021, 3, 5) and posts[A].role == "主任"
    assert posts[A1].employment == Employment.PART_TIME and posts[A1].role == "调解员"
    assert Membership.objects.get(mediator__id_number=id2).end_date == datetime.date(2022, 12, 31)
    assert set(Mediator.history.values_list("history_user__username", flat=True)) == {"clerk_a"}


def test_reimport_is_unchanged_and_writes_no_history(tmp_path, district, users):
    path = write(tmp_path, messy_rows(make_id(seq=11), make_id(seq=22)))
    assert run_import("mediators", path)[0] == 0
    before = history_count()
    code, out = run_import("mediators", path)
    assert (code, out) == (0, {"created": 0, "updated": 0, "unchanged": 3, "errors": []})
    assert history_count() == before


def test_changed_row_is_updated_and_new_post_for_existing_person_is_created(tmp_path, district):
    person = make_mediator("王五", make_id(seq=33))
    make_post(person, district.org_a, Employment.PART_TIME, start=datetime.date(2020, 1, 1))
    rows = [
        HEADER,
        [1, "王五", "", person.id_number, "", "13900000000", A, "", "兼职", "2020-01-01", "", "", "", ""],
        [2, "王五", "", person.id_number, "", "13900000000", A1, "", "专职", "2020-01-01", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert (code, out["created"], out["updated"], out["unchanged"]) == (0, 1, 1, 0)
    person.refresh_from_db()
    assert person.phone == "13900000000" and person.memberships.count() == 2


def test_every_bad_row_is_reported_and_nothing_written(tmp_path, district):
    good, other = make_id(seq=41), make_id(seq=42)
    rows = [
        HEADER,
        [1, "", "", good, "", "", A, "", "专职", "", "", "", "", ""],  # empty name
        [
            2,
            "甲",
            "",
            good[:-1] + ("0" if good[-1] != "0" else "1"),
            "",
            "",
            A,
            "",
            "专职",
            "",
            "",
            "",
            "",
            "",
        ],  # checksum
        [3, "乙", "", 5.00104199001011e17, "", "", A, "", "专职", "", "", "", "", ""],  # rounded by Excel
        [4, "丙", "", other, "", "12345", "不存在的委员会", "", "全职", "2021-13-45", "", "神仙", "", ""],
        [5, "丁", "女", make_id(seq=43), "", "", A, "", "兼职", "", "", "", "", ""],  # odd seq = male
        [6, "戊", "", make_id(seq=44), "", "", A, "", "兼职", "2021-05-01", "2021-01-01", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1
    assert out["created"] == out["updated"] == out["unchanged"] == 0
    reported = {(e["row"], e["column"]) for e in out["errors"]}
    assert {
        (2, "姓名"),
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "联系电话"),
        (5, "所属调解组织"),
        (5, "专兼职"),
        (5, "任职日期"),
        (5, "人员类别"),
        (6, "性别"),
        (7, "离任日期"),
    } <= reported
    rounded = next(e for e in out["errors"] if e["row"] == 4)
    assert "文本" in rounded["message"]
    assert not Mediator.objects.exists() and not Membership.objects.exists()


def test_same_person_rows_must_agree_and_same_org_twice_is_an_error(tmp_path, district):
    pid = make_id(seq=51)
    rows = [
        HEADER,
        [1, "张三", "", pid, "", "13800000000", A, "", "兼职", "2020-01-01", "", "", "", ""],
        [2, "张叁", "", pid, "", "13800000000", A1, "", "兼职", "2020-01-01", "", "", "", ""],
        [3, "张三", "", pid, "", "13800000000", A, "", "兼职", "2021-01-01", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1
    reported = {(e["row"], e["column"]) for e in out["errors"]}
    assert (3, "姓名") in reported and (4, "所属调解组织") in reported
    assert not Mediator.objects.exists()


def test_overlapping_full_time_posts_in_file_and_against_database(tmp_path, district):
    stored = make_mediator("赵六", make_id(seq=61))
    make_post(stored, district.org_b, Employment.FULL_TIME, start=datetime.date(2019, 1, 1))
    fresh = make_id(seq=62)
    rows = [
        HEADER,
        [1, "钱七", "", fresh, "", "", A, "", "专职", "2020-01-01", "", "", "", ""],
        [2, "钱七", "", fresh, "", "", A1, "", "专职", "2021-01-01", "", "", "", ""],
        [3, "赵六", "", stored.id_number, "", "", A, "", "专职", "2020-06-01", "", "", "", ""],
        # a full-time post that ended before the next began is fine
        [4, "孙八", "", make_id(seq=63), "", "", A, "", "专职", "2018-01-01", "2019-12-31", "", "", ""],
        [5, "孙八", "", make_id(seq=63), "", "", A1, "", "专职", "2020-01-01", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {(3, "专兼职"), (4, "专兼职")}
    assert Membership.objects.count() == 1


def test_a_full_time_post_ending_the_day_another_starts_overlaps_it(tmp_path, district):
    """The one-day boundary, in the file and against a stored post: both ends of a post count."""
    stored = make_mediator("郑一", make_id(seq=65))
    make_post(
        stored, district.org_b, Employment.FULL_TIME, start=datetime.date(2019, 1, 1), end=datetime.date(2020, 12, 31)
    )
    fresh = make_id(seq=67)
    rows = [
        HEADER,
        [1, "郑一", "", stored.id_number, "", "", A, "", "专职", "2020-12-31", "", "", "", ""],
        [2, "王二", "", fresh, "", "", A, "", "专职", "2018-01-01", "2019-12-31", "", "", ""],
        [3, "王二", "", fresh, "", "", A1, "", "专职", "2019-12-31", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {(2, "专兼职"), (4, "专兼职")}


def test_a_full_time_post_ending_the_day_before_another_starts_does_not(tmp_path, district):
    stored = make_mediator("郑一", make_id(seq=65))
    make_post(
        stored, district.org_b, Employment.FULL_TIME, start=datetime.date(2019, 1, 1), end=datetime.date(2020, 12, 31)
    )
    fresh = make_id(seq=67)
    rows = [
        HEADER,
        [1, "郑一", "", stored.id_number, "", "", A, "", "专职", "2021-01-01", "", "", "", ""],
        [2, "王二", "", fresh, "", "", A, "", "专职", "2018-01-01", "2019-12-31", "", "", ""],
        [3, "王二", "", fresh, "", "", A1, "", "专职", "2020-01-01", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert (code, out["errors"], out["created"]) == (0, [], 3)


def test_clerk_cannot_import_into_another_town(tmp_path, district, users):
    rows = [HEADER, [1, "张三", "", make_id(seq=71), "", "", B, "", "兼职", "", "", "", "", ""]]
    code, out = run_import("mediators", write(tmp_path, rows), "--as", "clerk_a")
    assert code == 1 and out["errors"][0]["row"] == 2 and out["errors"][0]["column"] == "所属调解组织"
    assert not Mediator.objects.exists()
    assert run_import("mediators", write(tmp_path, rows, name="b.xlsx"), "--as", "clerk_b")[0] == 0


def test_dry_run_writes_nothing(tmp_path, district):
    path = write(tmp_path, messy_rows(make_id(seq=11), make_id(seq=22)))
    code, out = run_import("mediators", path, "--dry-run")
    assert (code, out["created"]) == (0, 3)
    assert not Mediator.objects.exists()


def test_id_stored_as_a_number_is_refused_as_rounded(tmp_path, district):
    # an 18-digit number cannot survive as an Excel number (15 significant digits)
    rows = [
        HEADER,
        [1, "甲", "", make_id(seq=91), "", "", A, "", "兼职", "", "", "", "", ""],
        [2, "乙", "", float(make_id(seq=93)), "", "", A, "", "兼职", "", "", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert code == 1
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(3, "身份证号")]
    assert "四舍五入" in out["errors"][0]["message"]


def test_names_match_whatever_the_bracket_width(tmp_path, district):
    from tests.factories import make_org

    make_org("大渡口区人民法院诉前调解室（演示）", "其他调解组织", district.district)
    rows = [
        HEADER,
        [1, "甲", "", make_id(seq=95), "", "", "大渡口区人民法院诉前调解室(演示)", "", "兼职", "", "", "", "", ""],
    ]
    assert run_import("mediators", write(tmp_path, rows))[0] == 0
    assert Membership.objects.get().organization.name == "大渡口区人民法院诉前调解室（演示）"


def test_closing_a_full_time_post_and_starting_another_in_one_file(tmp_path, district):
    person = make_mediator("周九", make_id(seq=97))
    make_post(person, district.org_a, Employment.FULL_TIME, start=datetime.date(2019, 1, 1))
    rows = [
        HEADER,
        [1, "周九", "", person.id_number, "", "", A1, "", "专职", "2021-01-01", "", "", "", ""],
        [2, "周九", "", person.id_number, "", "", A, "", "专职", "2019-01-01", "2020-12-31", "", "", ""],
    ]
    code, out = run_import("mediators", write(tmp_path, rows))
    assert (code, out) == (0, {"created": 1, "updated": 1, "unchanged": 0, "errors": []})
    assert Membership.objects.get(organization=district.org_a).end_date == datetime.date(2020, 12, 31)


def test_clerk_may_add_a_post_for_another_towns_person_but_not_change_their_data(tmp_path, district, users):
    person = make_mediator("吴十", make_id(seq=99), phone="13700000000")
    make_post(person, district.org_b, Employment.PART_TIME)
    same = [HEADER, [1, "吴十", "", person.id_number, "", "13700000000", A, "", "兼职", "2022-01-01", "", "", "", ""]]
    assert run_import("mediators", write(tmp_path, same), "--as", "clerk_a")[1]["created"] == 1
    changed = [
        HEADER,
        [1, "吴十", "", person.id_number, "", "13900000000", A1, "", "兼职", "2022-01-01", "", "", "", ""],
    ]
    # now visible to clerk_a through the new post: a change is allowed
    assert run_import("mediators", write(tmp_path, changed, name="2.xlsx"), "--as", "clerk_a")[0] == 0
    other = make_mediator("郑十一", make_id(seq=101), phone="13700000001")
    make_post(other, district.org_b, Employment.PART_TIME)
    rows = [HEADER, [1, "郑十一", "", other.id_number, "", "13900000001", A, "", "兼职", "2022-01-01", "", "", "", ""]]
    code, out = run_import("mediators", write(tmp_path, rows, name="3.xlsx"), "--as", "clerk_a")
    assert code == 1 and "管辖范围" in out["errors"][0]["message"]
    other.refresh_from_db()
    assert other.phone == "13700000001"


def test_clerk_row_about_another_towns_person_in_another_towns_organization_reports_both(tmp_path, district, users):
    other = make_mediator("跃进人", make_id(seq=55))
    make_post(other, district.org_b1, Employment.PART_TIME)
    rows = [HEADER, [1, "改了名", "", other.id_number, "", "", B, "", "兼职", "", "", "", "", ""]]
    code, out = run_import("mediators", write(tmp_path, rows), "--as", "clerk_a")
    assert code == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {(2, "身份证号"), (2, "所属调解组织")}
    other.refresh_from_db()
    assert other.name == "跃进人"
