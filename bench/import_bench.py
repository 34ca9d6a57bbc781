"""Benchmark of `import_xlsx mediators` against the raw floor (issue 3).

    python bench/import_bench.py [--rows N] [--db sqlite:///path | postgres://…]

Generates a valid N-row mediator roster (16 columns; areas and organizations imported first
through import_xlsx), imports it, re-imports it unchanged, and — in the same run — times the
floor: parse the same file with python-calamine and bulk_create_with_history the people and
their posts, with no validation. Prints one JSON line:
rows, seconds, floor_seconds, ratio, reimport_seconds, peak_rss_mb (of the import_xlsx
process, Django start-up included in its seconds; the floor runs in this process).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "民族",
    "政治面貌",
    "学历",
    "联系电话",
    "所属调解组织",
    "职务",
    "专兼职",
    "任职日期",
    "离任日期",
    "人员类别",
    "专业领域",
]
TOWNS = 8
VILLAGES_PER_TOWN = 12
ORGS_PER_VILLAGE = 3


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write_xlsx(path: Path, rows) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    book.save(path)


def make_id(rng: random.Random, used: set[str]) -> str:
    from stdnum.cn import ric

    while True:
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 50 * 365))
        body = f"{rng.choice(['500104', '510203', '500103'])}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def generate(directory: Path, n: int, seed: int = 1) -> tuple[Path, Path, Path]:
    rng = random.Random(seed)
    areas = [["区划名称", "区划层级", "上级区划"], ["演示区", "区县", ""]]
    orgs = [["组织名称", "组织类型", "所属区划"]]
    village_orgs: list[str] = []
    for t in range(TOWNS):
        town = f"演示{t + 1}街道"
        areas.append([town, "街道", "演示区"])
        orgs.append([f"{town}人民调解委员会", "乡镇（街道）人民调解委员会", town])
        village_orgs.append(f"{town}人民调解委员会")
        for v in range(VILLAGES_PER_TOWN):
            village = f"{town}{v + 1}社区"
            areas.append([village, "社区", town])
            for k in range(ORGS_PER_VILLAGE):
                name = f"{village}人民调解委员会" if k == 0 else f"{village}演示企业{k}人民调解委员会"
                orgs.append([name, "村（社区）人民调解委员会" if k == 0 else "企事业单位人民调解委员会", village])
                village_orgs.append(name)
    used: set[str] = set()

    def roster():
        yield HEADER
        for i in range(n):
            number = make_id(rng, used)
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            start = datetime.datetime(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1500))
            yield [
                i + 1,
                "演示" + rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("伟芳娜敏静丽强磊军洋"),
                "男" if int(number[16]) % 2 else "女",
                number,
                birth,
                rng.choice(["汉族", "土家族", ""]),
                rng.choice(["中共党员", "群众", ""]),
                rng.choice(["本科", "大专", "高中"]),
                f"13{rng.randrange(10**8, 10**9)}",
                rng.choice(village_orgs),
                rng.choice(["主任", "委员", "调解员"]),
                rng.choice(["专职", "兼职"]),
                start,
                None,
                rng.choice(["", "律师", "五老人员、志愿者"]),
                rng.choice(["", "婚姻家庭", "物业管理、劳动争议"]),
            ]

    paths = directory / "areas.xlsx", directory / "organizations.xlsx", directory / "mediators.xlsx"
    write_xlsx(paths[0], areas)
    write_xlsx(paths[1], orgs)
    write_xlsx(paths[2], roster())
    return paths


def run_import(kind: str, path: Path) -> tuple[float, dict]:
    """`manage.py import_xlsx KIND FILE --format json` in its own process (its peak RSS is measured)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_xlsx", kind, str(path), "--format", "json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{kind}: exit {done.returncode}: {done.stdout[:2000]} {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout)


def floor(path: Path) -> float:
    """Parse with calamine, build objects without validation, bulk_create_with_history."""
    from python_calamine import CalamineWorkbook
    from simple_history.utils import bulk_create_with_history

    from registry.models import Mediator, Membership, Organization

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    orgs = {o.name: o.pk for o in Organization.objects.all()}
    people, posts = [], []
    for r in rows[1:]:
        people.append(
            Mediator(
                name=r[1],
                gender=r[2],
                id_number=r[3],
                birth_date=r[4],
                ethnicity=r[5],
                political_status=r[6],
                education=r[7],
                phone=r[8],
                categories=r[14],
                domains=r[15],
            )
        )
        posts.append(Membership(organization_id=orgs[r[9]], role=r[10], employment=r[11], start_date=r[12]))
    bulk_create_with_history(people, Mediator, batch_size=2000)
    for person, post in zip(people, posts):
        post.mediator = person
    bulk_create_with_history(posts, Membership, batch_size=2000)
    return time.perf_counter() - started


def wipe() -> None:
    from registry.models import Mediator, Membership

    Membership.history.all().delete()
    Mediator.history.all().delete()
    Membership.objects.all().delete()
    Mediator.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="", help="DATABASE_URL (default: a fresh SQLite file in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        setup_django(args.db or f"sqlite:///{directory / 'bench.sqlite3'}")
        areas, orgs, roster = generate(directory, args.rows)
        run_import("areas", areas)
        run_import("organizations", orgs)
        seconds, first = run_import("mediators", roster)
        assert first["created"] == args.rows, first
        reimport_seconds, second = run_import("mediators", roster)
        assert second["unchanged"] == args.rows, second
        wipe()
        floor_seconds = floor(roster)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the import_xlsx processes
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "seconds": round(seconds, 2),
                    "floor_seconds": round(floor_seconds, 2),
                    "ratio": round(seconds / floor_seconds, 2),
                    "reimport_seconds": round(reimport_seconds, 2),
                    "peak_rss_mb": round(peak_mb),
                }
            )
        )


if __name__ == "__main__":
    main()
