"""Names in pinyin order, found by pinyin and initials (issue 15): the key, the surname table,
every save path (admin save, import create, import update), list order, search, autocomplete."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.db.migrations.loader import MigrationLoader

from branding.models import Studio
from registry.kernel import pinyin
from registry.kernel.fields import refresh_derived
from registry.models import Expert, Mediator, Organization, OrganizationKind
from tests.factories import make_id, make_mediator, make_org, make_post
from tests.registry.xlsx import run_import, write

SURNAME_ORDER = ["阿强", "白云", "单田芳", "解缙", "曾国藩", "张三", "赵四"]


def test_surnames_take_their_surname_reading():
    assert pinyin.sort_key("单田芳", person=True) == "shan4tian2fang1"
    assert pinyin.sort_key("解缙", person=True) == "xie4jin4"
    assert pinyin.sort_key("曾国藩", person=True) == "zeng1guo2fan1"
    assert pinyin.initials("区志明", person=True) == "ozm"
    assert pinyin.initials("尉迟恭", person=True) == "ycg"
    assert pinyin.initials("万俟卨", person=True) == "mqx"
    # the table is for people only: an organization's 单 is the ordinary word
    assert pinyin.sort_key("单位调委会").startswith("dan1")


def test_the_surname_table_is_data_with_its_sources():
    readings = pinyin.surname_readings()
    for surname, reading in {
        "单": ["shan4"],
        "曾": ["zeng1"],
        "解": ["xie4"],
        "区": ["ou1"],
        "仇": ["qiu2"],
        "朴": ["piao2"],
        "查": ["zha1"],
        "盖": ["ge3"],
        "乐": ["yue4"],
        "尉迟": ["yu4", "chi2"],
        "万俟": ["mo4", "qi2"],
    }.items():
        assert readings[surname] == reading, surname
    text = pinyin.SURNAMES_FILE.read_text(encoding="utf-8")
    assert "https://github.com/overtrue/pinyin" in text and "百家姓" in text


def test_syllables_sort_before_longer_syllables():
    # 万 wan before 王 wang, 李 li before 林 lin, whatever follows
    assert pinyin.sort_key("万国", person=True) < pinyin.sort_key("王安", person=True)
    assert pinyin.sort_key("李娜", person=True) < pinyin.sort_key("林", person=True)


def test_search_terms():
    assert pinyin.pinyin_term(" Wang Jianguo ") == "wangjianguo"
    assert pinyin.pinyin_term("ｗｊｇ") == "wjg"
    assert pinyin.pinyin_term("王建") is None and pinyin.pinyin_term("1380") is None


@pytest.fixture
def people(district):
    people = {}
    for index, name in enumerate(reversed(SURNAME_ORDER + ["王建国", "王建华"])):
        people[name] = make_mediator(name, make_id(seq=100 + index))
        make_post(people[name], district.org_a)
    return people


def test_mediators_sort_by_surname_reading(people):
    names = [n for n in Mediator.objects.values_list("name", flat=True) if n in SURNAME_ORDER]
    assert names == SURNAME_ORDER


def test_admin_list_is_in_pinyin_order(people, users, client_as):
    response = client_as(users.bureau).get("/admin/registry/mediator/")
    shown = [str(m.name) for m in response.context["cl"].result_list]
    assert [n for n in shown if n in SURNAME_ORDER] == SURNAME_ORDER
    assert shown.index("王建国") < shown.index("王建华") < shown.index("解缙")  # guo before hua


@pytest.mark.parametrize("term", ["wjg", "wangjianguo", "王建", "Wang Jianguo", "jianguo"])
def test_list_search_finds_by_pinyin_initials_and_characters(people, users, client_as, term):
    response = client_as(users.bureau).get("/admin/registry/mediator/", {"q": term})
    found = {m.name for m in response.context["cl"].result_list}
    assert "王建国" in found
    if term != "王建":
        assert "王建华" not in found  # wjh / wangjianhua


@pytest.mark.parametrize("term", ["wjg", "wangjianguo", "王建"])
def test_autocomplete_finds_by_pinyin(people, users, client_as, term):
    response = client_as(users.bureau).get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "registry", "model_name": "membership", "field_name": "mediator"},
    )
    assert response.status_code == 200
    texts = [r["text"] for r in json.loads(response.content)["results"]]
    assert any(t.startswith("王建国") for t in texts), texts


def shown(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return " ".join(r["text"] for r in json.loads(response.content)["results"])
    return response.content.decode()


def test_pinyin_search_keeps_the_clerks_scope(people, district, users, client_as):
    elsewhere = make_mediator("王建军", make_id(seq=300))
    make_post(elsewhere, district.org_b)
    for url, params in [
        ("/admin/registry/mediator/", {"q": "wjj"}),
        (
            "/admin/autocomplete/",
            {"term": "wangjianjun", "app_label": "registry", "model_name": "membership", "field_name": "mediator"},
        ),
    ]:
        assert "王建军" not in shown(client_as(users.clerk_a).get(url, params))
        assert "王建军" in shown(client_as(users.bureau).get(url, params))


def test_organizations_and_experts_search_by_pinyin(district, users, client_as):
    Expert.objects.create(name="曾小贤", domains="婚姻家庭")
    client = client_as(users.bureau)
    assert "曾小贤" in client.get("/admin/registry/expert/", {"q": "zengxiao"}).content.decode()
    found = client.get("/admin/registry/organization/", {"q": "yjsq"}).context["cl"].result_list
    assert {o.name for o in found} == {"跃进社区人民调解委员会"}


def test_admin_save_import_create_and_import_update_keep_the_key_current(district, users, tmp_path):
    header = ["姓名", "身份证号", "所属调解组织", "专兼职"]
    number = make_id(seq=41)
    org = district.org_a.name
    assert run_import("mediators", write(tmp_path, [header, ["单雄信", number, org, "兼职"]], name="a.xlsx"))[0] == 0
    person = Mediator.objects.get(id_number=number)
    assert (person.name_pinyin, person.name_initials) == ("shan4xiong2xin4", "sxx")
    # a renamed person through the import's bulk update
    code, out = run_import("mediators", write(tmp_path, [header, ["曾雄信", number, org, "兼职"]], name="b.xlsx"))
    assert (code, out["updated"]) == (0, 1)
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_initials) == ("zeng1xiong2xin4", "zxx")
    assert person.history.latest().name_pinyin == "zeng1xiong2xin4"
    # and through save()
    person.name = "解雄信"
    person.save()
    assert Mediator.objects.get(pk=person.pk).name_initials == "xxx"


def test_studio_import_update_keeps_the_key_current(district, tmp_path):
    namesake = make_mediator("马大姐", make_id(seq=51))
    make_post(namesake, district.org_a)
    header = ["工作室名称", "命名调解员身份证号", "所属调解组织"]
    path = write(tmp_path, [header, ["老马工作室", namesake.id_number, district.org_a.name]])
    assert run_import("studios", path)[0] == 0
    assert Studio.objects.get().name_initials == "lmgzs"


def test_the_data_migration_fills_existing_rows(district):
    org = make_org("八桥镇人民调解委员会", OrganizationKind.TOWN, district.a)
    Organization.objects.filter(pk=org.pk).update(name_pinyin="", name_initials="")
    assert refresh_derived(Organization) == 1
    org.refresh_from_db()
    assert (org.name_pinyin[:12], org.name_initials[:4]) == ("ba1qiao2zhen", "bqzr")
    assert refresh_derived(Organization) == 0  # nothing left to change
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration("registry", "0010_pinyin_names")
    assert any(getattr(getattr(op, "code", None), "__name__", "") == "fill_pinyin" for op in migration.operations)


def test_report_tables_list_organizations_in_pinyin_order(district):
    from registry.kernel.reporting import ReportParams
    from registry.reports import staffing

    for name in ("张家湾物业纠纷人民调解委员会", "阿里道路交通人民调解委员会", "白沙医患纠纷人民调解委员会"):
        make_org(name, OrganizationKind.INDUSTRY, district.district)
    rows = staffing(ReportParams(as_of=datetime.date(2024, 1, 1), year=2024)).rows
    industry = [r["organization"][:2] for r in rows if r["kind"] == OrganizationKind.INDUSTRY]
    assert industry == ["阿里", "白沙", "张家"]


def test_refresh_pinyin_recomputes_every_model(district):
    from django.core.management import call_command

    Organization.objects.update(name_pinyin="")
    out = io.StringIO()
    call_command("refresh_pinyin", stdout=out)
    assert "调解组织：更新 4 条" in out.getvalue() and "品牌调解工作室：更新 0 条" in out.getvalue()
    assert not Organization.objects.filter(name_pinyin="").exists()
