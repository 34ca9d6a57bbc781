"""Benchmark of the reports and the dashboard at a city or national scale (issue 16).

    DATABASE_URL=postgres://…/c16_city python bench/report_bench.py --tier city [--scale X] [--skip-load]
        [--skip-legacy] [--markdown]

Loads the tier with `make_synthetic` (resumable: a loaded tier is only checked), ANALYZEs, then
for every report, in one run:
- `page_seconds` / `page_peak_mb`: its web page (`/reports/NAME/`, first page of rows) through the
  test client, as a reader waits for it,
- `seconds`: the report function with every row of every table produced (LazyRows streamed),
- `json_seconds` / `json_peak_mb`: the same written as `report NAME --format json` would
  (to a sink), with the peak of Python allocations (tracemalloc),
- `sql_seconds`: hand-written SQL computing the same numbers and rows (fetched whole),
- `ratio` = seconds ÷ sql_seconds (goal ≤ 1.5),
- `same_as_legacy`: the pre-issue-16 function (bench/legacy_reports.py) gives the same JSON,
  row for row, and `legacy_seconds` its time.
The dashboard is timed through the test client (cold cache, then warm) against the sum of
the reports' hand-written rate queries. Prints one JSON object (or a markdown table).
PostgreSQL only: the SQL below is PostgreSQL's.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VILLAGES = "('村', '社区')"
TOWN_OF = f"CASE WHEN oa.level IN {VILLAGES} AND oa.parent_id IS NOT NULL THEN oa.parent_id ELSE oa.id END"
ACTIVE = "(m.start_date IS NULL OR m.start_date <= %(as_of)s) AND (m.end_date IS NULL OR m.end_date >= %(as_of)s)"

# Hand-written SQL per report: the same numbers the report shows (its rates' inputs and its rows).
# Each entry: (label, sql, is_rate_query) — rate queries are what the dashboard needs.
FULL_TIME = f"m.employment = '专职' AND {ACTIVE}"
EXISTING = "(o.founded_date IS NULL OR o.founded_date <= %(as_of)s)"
QUOTA = """CASE o.kind WHEN '行业性专业性人民调解委员会' THEN 3 WHEN '乡镇（街道）人民调解委员会' THEN 2
    WHEN '村（社区）人民调解委员会' THEN 1 WHEN '企事业单位人民调解委员会' THEN 1 WHEN '驻法院调解室' THEN 2
    WHEN '驻派出所调解室' THEN 2 WHEN '信访事项调解室' THEN 2 END"""
STAFFING_ORGS = f"""SELECT o.id, o.name, o.kind, o.full_time_designated, a.name AS area,
        CASE WHEN a.level IN {VILLAGES} AND a.parent_id IS NOT NULL THEN p.name ELSE a.name END AS town,
        {QUOTA} AS quota, count(m.id) FILTER (WHERE {FULL_TIME}) AS ft
    FROM registry_organization o JOIN registry_area a ON a.id = o.area_id LEFT JOIN registry_area p ON p.id = a.parent_id
    LEFT JOIN registry_membership m ON m.organization_id = o.id
    WHERE {EXISTING} AND ({QUOTA}) IS NOT NULL GROUP BY o.id, a.id, p.id"""
COUNTED_PAYOUTS = "p.status IN ('待审核', '已审核', '已发放') AND p.period BETWEEN %(first_month)s AND %(last_month)s"
MONEY = """count(*), sum(p.amount), sum(p.amount) FILTER (WHERE p.status = '待审核'),
    sum(p.amount) FILTER (WHERE p.status = '已审核'), sum(p.amount) FILTER (WHERE p.status = '已发放')"""

# written out, like the quotas above: the reference SQL states the rules itself, not through the code it checks
CATEGORIES = (
    "党代表",
    "人大代表",
    "政协委员",
    "五老人员",
    "专业技术人员",
    "城乡社区工作者",
    "选调生",
    "律师",
    "志愿者",
    "其他",
)


def born_before(years: int) -> str:
    return f"(%(as_of)s::date - interval '{years} years')"


def person_counts(count: str) -> str:
    """Composition's counts per 性别, 年龄段 (whole years on the as-of day) and 人员类别 of the person p."""
    conditions = ["p.gender = '男'", "p.gender = '女'", "p.gender = ''"]
    conditions += [
        f"p.birth_date <= %(as_of)s AND p.birth_date > {born_before(36)}",
        f"p.birth_date <= {born_before(36)} AND p.birth_date > {born_before(46)}",
        f"p.birth_date <= {born_before(46)} AND p.birth_date > {born_before(56)}",
        f"p.birth_date <= {born_before(56)} AND p.birth_date > {born_before(61)}",
        f"p.birth_date <= {born_before(61)}",
        "p.birth_date IS NULL",
    ]
    conditions += [f"p.categories LIKE '%%{category}%%'" for category in CATEGORIES]
    return ", ".join(f"{count} FILTER (WHERE {condition})" for condition in conditions)


POSTS_AND_PEOPLE = f"""FROM registry_membership m JOIN registry_mediator p ON p.id = m.mediator_id
    JOIN registry_organization o ON o.id = m.organization_id JOIN registry_area oa ON oa.id = o.area_id WHERE {ACTIVE}"""

# Hand-written SQL per report: the same numbers the report shows (its rates' inputs and its rows).
# Each entry: (label, sql, is_rate_query) — rate queries are what the dashboard needs.
SQL: dict[str, list[tuple[str, str, bool]]] = {
    "staffing": [
        (
            "rates",
            f"""SELECT kind, full_time_designated, count(*), count(*) FILTER (WHERE ft >= quota),
                   sum(greatest(quota - ft, 0)) FROM ({STAFFING_ORGS}) s GROUP BY 1, 2""",
            True,
        ),
        ("rows", STAFFING_ORGS + " ORDER BY o.name", False),
        (
            "candidates",
            f"""SELECT m.mediator_id, p.name, p.id_number, m.organization_id, o.name, o.area_id
                FROM registry_membership m JOIN registry_mediator p ON p.id = m.mediator_id
                JOIN registry_organization o ON o.id = m.organization_id
                WHERE {ACTIVE} AND m.employment = '兼职' AND o.area_id IN (
                    SELECT s.area_id FROM ({STAFFING_ORGS.replace("SELECT o.id,", "SELECT o.id, o.area_id,")}) s
                    WHERE s.ft < s.quota)
                AND NOT EXISTS (SELECT 1 FROM registry_membership f WHERE f.mediator_id = m.mediator_id
                    AND f.employment = '专职' AND (f.start_date IS NULL OR f.start_date <= %(as_of)s)
                    AND (f.end_date IS NULL OR f.end_date >= %(as_of)s))
                ORDER BY p.name, p.id_number""",
            False,
        ),
    ],
    "experts": [
        (
            "rows and rate",
            f"""SELECT o.id, o.name, o.domains,
                   (SELECT count(*) FROM registry_expert_organizations eo JOIN registry_expert e ON e.id = eo.expert_id
                    WHERE eo.organization_id = o.id AND (e.joined_date IS NULL OR e.joined_date <= %(as_of)s)),
                   (SELECT count(DISTINCT m.mediator_id) FROM registry_membership m
                    JOIN registry_mediator p ON p.id = m.mediator_id
                    WHERE m.organization_id = o.id AND {ACTIVE} AND p.categories LIKE '%%专业技术人员%%')
                FROM registry_organization o WHERE o.kind = '行业性专业性人民调解委员会' AND {EXISTING}""",
            True,
        ),
    ],
    "committees": [
        (
            "rates",
            f"""SELECT a.level IN ('乡镇', '街道'), count(*), count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM registry_organization o WHERE o.area_id = a.id AND {EXISTING}
                   AND o.kind = CASE WHEN a.level IN ('乡镇', '街道') THEN '乡镇（街道）人民调解委员会'
                                     ELSE '村（社区）人民调解委员会' END))
                FROM registry_area a WHERE a.level IN ('乡镇', '街道', '村', '社区') GROUP BY 1""",
            True,
        ),
        (
            "rows",
            f"""SELECT a.id, a.name, a.level, p.name, (SELECT o.id FROM registry_organization o
                   WHERE o.area_id = a.id AND {EXISTING} AND o.kind = CASE WHEN a.level IN ('乡镇', '街道')
                   THEN '乡镇（街道）人民调解委员会' ELSE '村（社区）人民调解委员会' END ORDER BY o.name LIMIT 1)
                FROM registry_area a LEFT JOIN registry_area p ON p.id = a.parent_id
                WHERE a.level IN ('乡镇', '街道', '村', '社区')""",
            False,
        ),
    ],
    "rooms": [
        (
            "rows and rates",
            f"""SELECT h.id, h.name, h.kind, h.officer_count, (SELECT o.name FROM registry_organization o
                   WHERE o.host_unit_id = h.id AND {EXISTING} AND o.kind = CASE h.kind WHEN '法院' THEN '驻法院调解室'
                   WHEN '派出所' THEN '驻派出所调解室' ELSE '信访事项调解室' END ORDER BY o.name LIMIT 1)
                FROM registry_hostunit h""",
            True,
        ),
    ],
    "terms": [
        (
            "rows",
            f"""SELECT o.id, o.name, o.kind, o.term_start, a.name FROM registry_organization o
                JOIN registry_area a ON a.id = o.area_id WHERE {EXISTING} AND o.kind IN ('乡镇（街道）人民调解委员会',
                '村（社区）人民调解委员会', '企事业单位人民调解委员会', '行业性专业性人民调解委员会')""",
            True,
        ),
    ],
    "subsidies": [
        ("total", f"SELECT {MONEY} FROM subsidies_payout p WHERE {COUNTED_PAYOUTS}", True),
        ("budgets", "SELECT area_id, amount FROM subsidies_budget WHERE year = %(year)s", True),
        ("by area", f"SELECT p.area_id, {MONEY} FROM subsidies_payout p WHERE {COUNTED_PAYOUTS} GROUP BY 1", False),
        ("by kind", f"SELECT p.kind, {MONEY} FROM subsidies_payout p WHERE {COUNTED_PAYOUTS} GROUP BY 1", False),
        ("by month", f"SELECT p.period, {MONEY} FROM subsidies_payout p WHERE {COUNTED_PAYOUTS} GROUP BY 1", False),
        (
            "by mediator",
            f"""SELECT p.mediator_id, m.name, m.id_number, a.name, {MONEY} FROM subsidies_payout p
                JOIN registry_mediator m ON m.id = p.mediator_id JOIN registry_area a ON a.id = p.area_id
                WHERE {COUNTED_PAYOUTS} GROUP BY 1, 2, 3, 4 ORDER BY 4, 2, 3""",
            False,
        ),
    ],
    "brands": [
        (
            "rows",
            """SELECT s.id, s.name, m.name, o.name, s.named_date, s.status FROM branding_studio s
               JOIN registry_mediator m ON m.id = s.mediator_id JOIN registry_organization o ON o.id = s.organization_id
               ORDER BY s.name""",
            True,
        ),
        (
            "commendations",
            """SELECT extract(year FROM date), level, count(*) FROM branding_commendation
               WHERE date <= %(as_of)s GROUP BY 1, 2""",
            False,
        ),
    ],
    "composition": [
        (
            "district",
            f"""SELECT p.education, p.political_status, count(*), count(*) FILTER (WHERE p.id IN (
                   SELECT m.mediator_id FROM registry_membership m WHERE {FULL_TIME})), {person_counts("count(*)")}
                FROM registry_mediator p WHERE p.id IN (SELECT m.mediator_id FROM registry_membership m WHERE {ACTIVE})
                GROUP BY 1, 2""",
            False,
        ),
        (
            "towns",
            f"""SELECT {TOWN_OF}, count(DISTINCT p.id), count(DISTINCT p.id) FILTER (WHERE m.employment = '专职'),
                   {person_counts("count(DISTINCT p.id)")} {POSTS_AND_PEOPLE} GROUP BY 1""",
            False,
        ),
        (
            "towns by 学历 and by 政治面貌",
            f"""SELECT {TOWN_OF}, p.education, p.political_status, count(DISTINCT p.id) {POSTS_AND_PEOPLE}
                GROUP BY GROUPING SETS ((1, 2), (1, 3))""",
            False,
        ),
        (
            "party organizations",
            f"""SELECT {TOWN_OF}, count(*), count(*) FILTER (WHERE o.has_party_org) FROM registry_organization o
                JOIN registry_area oa ON oa.id = o.area_id WHERE {EXISTING} GROUP BY 1""",
            False,
        ),
    ],
    "training": [
        (
            "held per organizer",
            """SELECT a.id, a.name, a.level, count(s.id) FILTER (WHERE s.date BETWEEN %(start)s AND %(end)s)
               FROM registry_area a LEFT JOIN training_trainingsession s ON s.area_id = a.id
               WHERE a.level IN ('区县', '乡镇', '街道') GROUP BY a.id ORDER BY a.level <> '区县', a.name""",
            True,
        ),
        (
            "untrained count",
            f"""SELECT count(DISTINCT m.mediator_id) FROM registry_membership m
               WHERE {ACTIVE} AND NOT EXISTS (SELECT 1 FROM training_attendance t
                 JOIN training_trainingsession s ON s.id = t.session_id
                 WHERE t.mediator_id = m.mediator_id AND s.date BETWEEN %(start)s AND %(end)s)""",
            True,
        ),
        (
            "untrained per town",
            f"""SELECT {TOWN_OF}, count(DISTINCT m.mediator_id) FROM registry_membership m
               JOIN registry_organization o ON o.id = m.organization_id JOIN registry_area oa ON oa.id = o.area_id
               WHERE {ACTIVE} AND NOT EXISTS (SELECT 1 FROM training_attendance t
                 JOIN training_trainingsession s ON s.id = t.session_id
                 WHERE t.mediator_id = m.mediator_id AND s.date BETWEEN %(start)s AND %(end)s)
               GROUP BY 1""",
            False,
        ),
        (
            "untrained list",
            f"""SELECT p.id, p.name, p.id_number, o.name, m.employment, ta.name FROM registry_membership m
               JOIN registry_mediator p ON p.id = m.mediator_id
               JOIN registry_organization o ON o.id = m.organization_id JOIN registry_area oa ON oa.id = o.area_id
               JOIN registry_area ta ON ta.id = {TOWN_OF}
               WHERE {ACTIVE} AND NOT EXISTS (SELECT 1 FROM training_attendance t
                 JOIN training_trainingsession s ON s.id = t.session_id
                 WHERE t.mediator_id = m.mediator_id AND s.date BETWEEN %(start)s AND %(end)s)
               ORDER BY p.name, p.id_number, o.name""",
            False,
        ),
        (
            "hours",
            """SELECT p.id, p.name, p.id_number, count(t.id), sum(s.hours) FROM training_attendance t
               JOIN training_trainingsession s ON s.id = t.session_id JOIN registry_mediator p ON p.id = t.mediator_id
               WHERE s.date BETWEEN %(start)s AND %(end)s GROUP BY p.id ORDER BY p.name, p.id_number""",
            False,
        ),
    ],
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]


def timed(run) -> tuple[float, float, object]:
    """(seconds, peak MB of Python allocations, result): timed on a first run, the peak measured
    on a second one under tracemalloc (which slows allocation-heavy code several times over)."""
    from django.db import reset_queries

    reset_queries()
    gc.collect()
    began = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - began
    del result
    reset_queries()
    gc.collect()
    tracemalloc.start()
    result = run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def run_sql(name: str, sql_params: dict, rates_only: bool = False) -> float:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        for _, sql, is_rate in SQL.get(name, []):
            if rates_only and not is_rate:
                continue
            cursor.execute(sql, sql_params)
            cursor.fetchall()
    return time.perf_counter() - began


def consume(report) -> int:
    """Produce every row of every table (a LazyRows is streamed), as a page export would."""
    return sum(1 for table in report.tables for _ in table.rows)


def as_served(run):
    """`run` as the command and the pages run it: inside report_reads() (one transaction, so
    LazyRows stream through a plain server-side cursor, not a WITH HOLD one)."""
    from registry.kernel.reporting.routing import report_reads

    def served():
        with report_reads():
            return run()

    return served


def bench_client(params):
    """A logged-in bureau user's test client, and the query string of `params`."""
    from django.test import Client

    from registry.kernel.roles import StaffRole
    from registry.services import staff_user_save

    user = staff_user_save(username="bench_bureau", role=StaffRole.BUREAU, password="bench-only-1")[0]
    client = Client()
    client.force_login(user)
    return client, {"as_of": params.as_of.isoformat(), "year": params.year}


def bench_reports(params, sql_params, legacy: bool, only: list[str] | None = None) -> list[dict]:
    from bench import legacy_reports
    from registry.kernel.reporting import json_chunks, render_json, reports, run_report

    client, query = bench_client(params)
    results = []
    for name in only or reports():
        page_seconds, page_peak, response = timed(lambda: client.get(f"/reports/{name}/", query))
        assert response.status_code == 200, (name, response.status_code)
        seconds, peak, rows = timed(as_served(lambda: consume(run_report(name, params))))
        json_seconds, json_peak, json_bytes = timed(
            as_served(lambda: sum(len(c.encode()) for c in json_chunks(run_report(name, params))))
        )
        sql_seconds = run_sql(name, sql_params) if name in SQL else None
        entry = {
            "report": name,
            "rows": rows,
            "page_seconds": round(page_seconds, 3),
            "page_peak_mb": round(page_peak, 1),
            "seconds": round(seconds, 3),
            "peak_mb": round(peak, 1),
            "json_seconds": round(json_seconds, 3),
            "json_peak_mb": round(json_peak, 1),
            "json_mb": round(json_bytes / 2**20, 1),
            "sql_seconds": None if sql_seconds is None else round(sql_seconds, 3),
            "ratio": None if not sql_seconds else round(seconds / sql_seconds, 2),
        }
        if legacy and name in legacy_reports.REPORTS:
            old_seconds, old_peak, old = timed(as_served(lambda: render_json(getattr(legacy_reports, name)(params))))
            new = json.loads(as_served(lambda: render_json(run_report(name, params)))())
            old = json.loads(old)
            for data in (new, old):
                data.pop("report", None), data.pop("scope", None)
            entry.update(
                legacy_seconds=round(old_seconds, 3), legacy_peak_mb=round(old_peak, 1), same_as_legacy=new == old
            )
        results.append(entry)
        print(json.dumps(entry, ensure_ascii=False), file=sys.stderr)
    return results


def bench_dashboard(params, sql_params) -> dict:
    from django.core.cache import cache

    from registry.kernel.reporting import reports

    client, query = bench_client(params)

    def cold_view():
        cache.clear()
        return client.get("/reports/", query)

    cold, peak, response = timed(cold_view)
    assert response.status_code == 200, response.status_code
    warm, _, _ = timed(lambda: client.get("/reports/", query))
    sql = sum(run_sql(name, sql_params, rates_only=True) for name in reports() if name in SQL)
    return {
        "report": "dashboard",
        "seconds": round(cold, 3),
        "cached_seconds": round(warm, 3),
        "peak_mb": round(peak, 1),
        "sql_seconds": round(sql, 3),
        "ratio": round(cold / sql, 2) if sql else None,
        "sql_covers": sorted(name for name in reports() if name in SQL),
    }


def markdown(result: dict) -> str:
    lines = [
        f"tier {result['tier']} ×{result['scale']}: {result['counts']}",
        "",
        "| report | rows | page s | page peak MB | seconds | SQL seconds | ratio | peak MB | JSON s | JSON peak MB "
        "| JSON MB | before (s / MB) | same |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["reports"]:
        before = f"{r['legacy_seconds']} / {r['legacy_peak_mb']}" if "legacy_seconds" in r else "—"
        lines.append(
            f"| {r['report']} | {r['rows']} | {r['page_seconds']} | {r['page_peak_mb']} | {r['seconds']} | "
            f"{r['sql_seconds'] or '—'} | {r['ratio'] or '—'} | "
            f"{r['peak_mb']} | {r['json_seconds']} | {r['json_peak_mb']} | {r['json_mb']} | {before} | "
            f"{r.get('same_as_legacy', '—')} |"
        )
    d = result["dashboard"]
    if d is None:
        return "\n".join(lines)
    lines.append(
        f"| dashboard | — | {d['seconds']} (cached {d['cached_seconds']}) | {d['peak_mb']} | — | {d['sql_seconds']} | "
        f"{d['ratio']} | — | — | — | — | — | — |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", default="city", choices=["district", "city", "province", "nation"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-load", action="store_true", help="the database already holds the tier")
    parser.add_argument("--skip-legacy", action="store_true", help="do not run the pre-issue-16 functions")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--only", nargs="*", help="these reports only (default: every report)")
    parser.add_argument("--skip-dashboard", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("report_bench needs DATABASE_URL=postgres://… (its reference SQL is PostgreSQL's)")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from registry.kernel.reporting import ReportParams
    from registry.models import Area, Mediator, Membership, Organization
    from training.reports import year_window

    call_command("migrate", verbosity=0)
    load_seconds = None
    if not args.skip_load:
        began = time.perf_counter()
        call_command("make_synthetic", tier=args.tier, scale=args.scale, no_progress=True)
        load_seconds = round(time.perf_counter() - began, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # docs/deployment.md: JIT compilation costs more than it saves on these short queries
        cursor.execute("SET jit = off")
    today = datetime.date.today()
    params = ReportParams(as_of=today, year=today.year)
    window = year_window(params.year, params.as_of)
    last_month = f"{params.year}-12" if params.as_of.year != params.year else f"{params.as_of:%Y-%m}"
    sql_params = {
        "as_of": params.as_of,
        "start": window.start,
        "end": window.end,
        "year": params.year,
        "first_month": f"{params.year}-01",
        "last_month": last_month,
    }
    result = {
        "tier": args.tier,
        "scale": args.scale,
        "load_seconds": load_seconds,
        "counts": {
            "areas": Area.objects.count(),
            "organizations": Organization.objects.count(),
            "mediators": Mediator.objects.count(),
            "posts": Membership.objects.count(),
        },
        "reports": bench_reports(params, sql_params, legacy=not args.skip_legacy, only=args.only),
        "dashboard": None if args.skip_dashboard else bench_dashboard(params, sql_params),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(markdown(result) if args.markdown else json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
