"""Several clerks importing at once, as separate `manage.py import_xlsx` processes (issue 17, item 3).

SQLite (the embedded default): WAL + busy timeout + IMMEDIATE transactions queue the writers, so
four concurrent imports all succeed. PostgreSQL: eight processes import overlapping rosters and
edit the same mediators; writing imports are serialized by an advisory lock (engine), so no person
or post is created twice, no edit is lost, every import is all-or-nothing and a person keeps at
most one 专职 post.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from registry.models import Employment, Mediator, Membership
from tests.factories import make_id, make_mediator, make_post
from tests.registry.xlsx import write

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期"]


def start(kind: str, path: Path, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "concurrency-test",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_xlsx", kind, str(path), "--format", "json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(processes: list[subprocess.Popen]) -> list[tuple[int, dict]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert "Traceback" not in err, err
        results.append((process.returncode, json.loads(out.strip())))
    return results


def roster(tmp_path, name: str, people: list[tuple[str, str, str, str]], columns=HEADER, extra=()) -> Path:
    """people: (姓名, 身份证号, 组织, 专兼职) rows, all starting 2022-01-01; `extra` appends cells."""
    rows = [list(columns)] + [[*p, "2022-01-01", *extra] for p in people]
    return write(tmp_path, rows, name=name)


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_imports_on_a_sqlite_file_all_succeed(district, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's writer queue")
    database = tmp_path / "bureau.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)  # the migrated test database, with the district, as a file
    target.close()
    orgs = [district.org_a.name, district.org_a1.name, district.org_b.name, district.org_b1.name]
    shared = [("共用甲", make_id("500104", "19700101", 901), orgs[2], "专职")]
    files = [
        roster(
            tmp_path,
            f"clerk{k}.xlsx",
            [
                (f"人员{k}{i}", make_id("500104", f"198{k}0{i + 1}01", 100 + 10 * k + i), orgs[k], "兼职")
                for i in range(5)
            ]
            + shared,
        )
        for k in range(4)
    ]
    results = finish([start("mediators", f, f"sqlite:///{database}") for f in files])

    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert sum(r["created"] for _, r in results) == 4 * 5 + 1
    assert sum(r["unchanged"] for _, r in results) == 3  # the shared person's post, for the three later ones
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM registry_mediator").fetchone()[0] == 21
        assert db.execute("SELECT COUNT(*) FROM registry_membership").fetchone()[0] == 21
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_processes_on_postgresql(district, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    orgs = {"a": district.org_a, "a1": district.org_a1, "b": district.org_b, "b1": district.org_b1}
    # four mediators already on the roster, each with one 专职 post
    known = [make_mediator(f"老{k}", make_id("500104", f"196{k}0101", 500 + k)) for k in range(4)]
    for person in known:
        make_post(person, district.org_a, start=None)

    # Four rosters: each its own two people, plus a newcomer in all four. Rosters 0 and 1 make the
    # newcomer 专职 at 跃进村街道, rosters 2 and 3 专职 at 跃进社区: whichever commits first wins,
    # the other two must fail as a whole (the second 专职 post overlaps) and write nothing.
    newcomer = ("新来", make_id("500104", "19900101", 777))
    rosters = []
    for k in range(4):
        own = [
            (f"新{k}{i}", make_id("500104", f"199{k}0{i + 1}01", 600 + 10 * k + i), orgs["a"].name, "兼职")
            for i in range(2)
        ]
        post_at = orgs["b"] if k < 2 else orgs["b1"]
        rosters.append(roster(tmp_path, f"roster{k}.xlsx", own + [(*newcomer, post_at.name, "专职")]))
    # Four editors: each sets one personal column of the same four mediators.
    edits = {"联系电话": "1380000000{k}", "学历": "本科", "政治面貌": "中共党员", "民族": "土家族"}
    editors = []
    for column, value in edits.items():
        rows = [(p.name, p.id_number, orgs["a"].name, "专职") for p in known]
        people = [list(r) for r in rows]
        path = write(
            tmp_path,
            [[*HEADER[:4], column]] + [[*p, value.format(k=k)] for k, p in enumerate(people)],
            name=f"edit-{column}.xlsx",
        )
        editors.append(path)
    processes = [start("mediators", f, url) for pair in zip(rosters, editors) for f in pair]
    results = finish(processes)
    codes = [code for code, _ in results]
    roster_codes, editor_codes = codes[0::2], codes[1::2]

    assert editor_codes == [0, 0, 0, 0], results
    assert sorted(roster_codes) == [0, 0, 1, 1], results
    winners = [k for k in range(4) if roster_codes[k] == 0]
    assert winners in ([0, 1], [2, 3])
    # all or nothing: a failed roster wrote none of its own people
    for k in range(4):
        own = Mediator.objects.filter(name__in=[f"新{k}0", f"新{k}1"]).count()
        assert own == (2 if k in winners else 0)
    # no duplicate person or post; the newcomer has exactly one 专职 post
    assert Mediator.objects.filter(id_number=newcomer[1]).count() == 1
    assert Membership.objects.filter(mediator__id_number=newcomer[1], employment=Employment.FULL_TIME).count() == 1
    assert Mediator.objects.count() == 4 + 4 + 1
    assert Membership.objects.count() == 4 + 4 + 1
    # no lost update: every editor's column survived the others
    for k, person in enumerate(known):
        person.refresh_from_db()
        assert (person.phone, person.education, person.political_status, person.ethnicity) == (
            f"1380000000{k}",
            "本科",
            "中共党员",
            "土家族",
        )
