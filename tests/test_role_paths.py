"""SPEC §5 as one table: every role × every registered admin model × every admin path, and every
report page, walked with real requests and compared with EXPECTED / PAGES below.

A path's outcome is its name when the page answers 200 ("change" for a change page the user may
save, "view" for a read-only one), nothing when it answers 403, and "path:STATUS" for anything
else, so a 404 or 500 shows up in the diff. Custom changelist actions appear as "action:<name>".
A model registered later without a row here fails the test: add its row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from branding.models import Commendation, CommendationLevel, Studio, StudioStatus
from registry.kernel.reporting import reports
from registry.models import Expert, HostUnit, HostUnitKind, PersonalDataAccess
from subsidies.models import Budget, PayoutKind, SubsidyStandard
from tests.factories import make_mediator, make_post
from tests.subsidies.conftest import make_payout
from tests.training.conftest import make_session
from training.models import Attendance

READ = {"changelist", "view", "history", "autocomplete", "export", "template"}
EDIT = {"changelist", "change", "add", "delete", "history", "autocomplete", "import", "export", "template"}
EDIT_NO_DELETE = EDIT - {"delete"}
ROSTER = ["registry.area", "registry.hostunit", "registry.organization", "registry.mediator", "registry.membership"]
ROSTER += ["registry.expert"]
TRAINING = ["training.trainingsession", "training.attendance"]
BRANDING = ["branding.studio", "branding.commendation"]
APPROVE = {"action:approve", "action:return_payouts"}
PAY = {"action:mark_paid", "action:export_xlsx"}  # export_xlsx: the bank sheet

IMPORT_RECORD = {"changelist", "view", "history"}  # 导入记录: read-only; undo is a button on its page
# hr and finance see only their own imports: the clerk's record is not found (its history redirects home)
OWN_IMPORTS_ONLY = {"changelist", "change:404", "history:302"}
# django_tasks_db's task results: no role reads them (the worker's table)

EXPECTED: dict[str, dict[str, set[str]]] = {
    "bureau": {
        **{model: EDIT for model in ROSTER + TRAINING + BRANDING},
        "registry.personaldataaccess": {"changelist", "view", "history"},  # read-only: no add, change, delete
        "subsidies.payout": EDIT | APPROVE | PAY | {"action:resubmit"},
        "subsidies.subsidystandard": EDIT,
        "subsidies.budget": EDIT,
        "auth.user": EDIT,
        "auth.group": {"changelist", "view", "history", "autocomplete"},
        # unlock = delete the attempt; axes' admin never adds, and its fields are read-only
        "axes.accessattempt": {"changelist", "view", "delete", "history", "action:cleanup_expired_attempts"},
        "axes.accessfailurelog": {"changelist", "view", "history"},
        "axes.accesslog": {"changelist", "view", "history"},
        "registry.importrecord": IMPORT_RECORD,
    },
    "clerk": {
        "registry.area": EDIT_NO_DELETE,  # a clerk adds villages, never deletes an area
        **{model: EDIT for model in ROSTER[1:] + TRAINING},
        **{model: READ for model in BRANDING},
        "subsidies.payout": EDIT_NO_DELETE | {"action:resubmit"},  # enters claims, never approves or pays
        "subsidies.subsidystandard": READ,
        "subsidies.budget": READ,
        "registry.importrecord": IMPORT_RECORD,  # their town's
    },
    "hr": {
        **{model: READ for model in ROSTER + TRAINING},
        **{model: EDIT for model in BRANDING},
        "subsidies.payout": READ,
        "subsidies.subsidystandard": READ,
        "subsidies.budget": READ,
        "registry.importrecord": OWN_IMPORTS_ONLY,
    },
    "finance": {
        **{model: READ for model in ROSTER + TRAINING + BRANDING},
        "subsidies.payout": READ | PAY,
        "subsidies.subsidystandard": READ,
        "subsidies.budget": READ,
        "registry.importrecord": OWN_IMPORTS_ONLY,
    },
}
REPORT_PAGES = ["dashboard", *reports(), "payout-report", "honours"]
PAGES: dict[str, set[str]] = {role: set(REPORT_PAGES) for role in ("bureau", "clerk", "hr", "finance")}


@pytest.fixture
def world(district, users):
    """One record of every model, in the clerk's town (新山村街道), so scope never hides it."""
    d = district
    mediator = make_mediator("赵六", phone="13812345678")
    make_post(mediator, d.org_a)
    expert = Expert.objects.create(name="钱专家", employer="重庆某医院")
    expert.organizations.add(d.org_a)
    session = make_session("XS-2023-01", d.a, "2023-03-01")
    start = datetime.date(2021, 1, 1)
    studio = Studio.objects.create(
        name="赵六工作室", mediator=mediator, organization=d.org_a, status=StudioStatus.CULTIVATING
    )
    objects = {
        "registry.area": d.a1,
        "registry.hostunit": HostUnit.objects.create(name="新山村派出所", kind=HostUnitKind.POLICE, area=d.a),
        "registry.organization": d.org_a,
        "registry.mediator": mediator,
        "registry.membership": mediator.memberships.get(),
        "registry.expert": expert,
        "registry.personaldataaccess": PersonalDataAccess.objects.create(
            username="bureau",
            kind="导出",
            what="导出：人民调解员",
            path="/",
            person_count=1,
            id_numbers=mediator.id_number,
        ),
        "training.trainingsession": session,
        "training.attendance": Attendance.objects.create(session=session, mediator=mediator),
        "subsidies.payout": make_payout(mediator, d.org_a),
        "subsidies.subsidystandard": SubsidyStandard.objects.create(
            kind=PayoutKind.POST, amount=Decimal("1000.00"), effective_from=start
        ),
        "subsidies.budget": Budget.objects.create(year=2022, area=d.a, amount=Decimal("5000.00")),
        "branding.studio": studio,
        "branding.commendation": Commendation.objects.create(
            mediator=mediator, title="区优秀调解员", level=CommendationLevel.DISTRICT, date=datetime.date(2022, 1, 1)
        ),
        "auth.user": users.hr,
        "auth.group": Group.objects.get(name="表彰管理"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x",
            ip_address="10.0.0.1",
            user_agent="t",
            http_accept="*",
            path_info="/admin/login/",
            get_data="",
            post_data="",
            failures_since_start=1,
        ),
    }
    from axes.models import AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    from registry.models import ImportRecord

    # an import by the clerk (their town's record), and a background task's row
    objects["registry.importrecord"] = ImportRecord.objects.create(
        kind="mediators",
        source="管理后台",
        user=users.clerk_a,
        town=d.a,
        file_name="花名册.xlsx",
        file_size=1,
        sha256="0" * 64,
        outcome="已写入",
    )
    objects["django_tasks_database.dbtaskresult"] = DBTaskResult.objects.create(
        task_path="registry.kernel.excel.tasks.import_task",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )

    objects["axes.accessfailurelog"] = AccessFailureLog.objects.create(
        username="x", ip_address="10.0.0.1", user_agent="t", http_accept="*", path_info="/admin/login/"
    )
    objects["axes.accesslog"] = AccessLog.objects.create(
        username="x", ip_address="10.0.0.1", user_agent="t", http_accept="*", path_info="/admin/login/"
    )
    return objects


def autocomplete_sources() -> dict[str, tuple[str, str, str]]:
    """target model label -> (app, model, field) of one admin autocomplete field pointing at it."""
    sources = {}
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            target = model._meta.get_field(name).remote_field.model._meta.label_lower
            sources.setdefault(target, (model._meta.app_label, model._meta.model_name, name))
    return sources


def admin_paths(label: str, obj, sources) -> dict[str, str]:
    """name -> URL of every admin path this model has."""
    app, model = label.split(".")
    named = {"changelist": (), "add": (), "change": (obj.pk,), "delete": (obj.pk,), "history": (obj.pk,)}
    named |= {"import": (), "export": (), "template": ()}
    paths = {}
    for name, args in named.items():
        try:
            paths[name] = reverse(f"admin:{app}_{model}_{name}", args=args)
        except Exception:  # NoReverseMatch: this model has no such path
            continue
    if label in sources:
        source_app, source_model, field = sources[label]
        paths["autocomplete"] = (
            f"{reverse('admin:autocomplete')}?app_label={source_app}&model_name={source_model}&field_name={field}"
        )
    return paths


def outcome(name: str, response) -> set[str]:
    if response.status_code == 403:
        return set()
    if response.status_code != 200:
        return {f"{name}:{response.status_code}"}
    if name == "change":
        return {"change" if response.context["has_change_permission"] else "view"}
    if name == "changelist":
        form = response.context["action_form"]  # None when no action is offered
        actions = [choice for choice, _ in form.fields["action"].choices if choice] if form else []
        return {"changelist"} | {f"action:{a}" for a in actions if a != "delete_selected"}
    return {name}


def page_urls(world) -> dict[str, str]:
    return {
        "dashboard": reverse("reports-dashboard"),
        **{name: reverse("report", args=[name]) for name in reports()},
        "payout-report": reverse("admin:subsidies_payout_report"),
        "honours": f"/branding/honours/{world['registry.mediator'].pk}/",
    }


def test_every_role_reaches_exactly_the_paths_spec_gives_it(world, users, client):
    sources = autocomplete_sources()
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(world), "every registered admin model needs a record here and a row in EXPECTED"
    people = {"bureau": users.bureau, "clerk": users.clerk_a, "hr": users.hr, "finance": users.finance}
    observed: dict[str, dict[str, set[str]]] = {}
    pages: dict[str, set[str]] = {}
    for role, user in people.items():
        client.force_login(user)
        observed[role] = {}
        for label in sorted(registered):
            reached: set[str] = set()
            for name, url in admin_paths(label, world[label], sources).items():
                reached |= outcome(name, client.get(url))
            if reached:
                observed[role][label] = reached
        pages[role] = set().union(*(outcome(name, client.get(url)) for name, url in page_urls(world).items()))
    # EXPECTED's generic sets (READ, EDIT) name paths some models lack (no import kind, nothing
    # autocompletes them): compare only the paths each model has
    expected = {(r, m, p) for r, m, p in flat(EXPECTED) if base(p) in admin_paths(m, world[m], sources)}
    unexpected, missing = flat(observed) - expected, expected - flat(observed)
    assert not unexpected and not missing, "\n".join(
        [f"reached, not in EXPECTED: {item}" for item in sorted(unexpected)]
        + [f"in EXPECTED, not reached: {item}" for item in sorted(missing)]
    )
    assert pages == PAGES


def base(path: str) -> str:
    """The URL a path name is judged on: a change page is "view" or "change", an action is the list's."""
    if path.startswith("action:"):
        return "changelist"
    path = path.split(":")[0]  # "change:404": the change page, answered 404
    return "change" if path == "view" else path


def flat(table: dict[str, dict[str, set[str]]]) -> set[tuple[str, str, str]]:
    return {(role, model, path) for role, models in table.items() for model, paths in models.items() for path in paths}


def test_anonymous_is_sent_to_the_login_page_everywhere(world, client):
    sources = autocomplete_sources()
    urls = [url for label, obj in world.items() for url in admin_paths(label, obj, sources).values()]
    urls += [url for name, url in page_urls(world).items() if name != "honours"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
