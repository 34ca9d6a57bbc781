"""What the 导入记录 and progress reporting cost an import (issue 13: goal < 5%).

    python bench/import_record_overhead.py [--rows N] [--runs K]

In one process, on a fresh SQLite file, alternately imports the benchmark's mediator roster with
the bare engine (`engine.import_file`) and through `recording.run_import` (record with the file kept,
SHA-256, progress written to the cache, history rows tagged, what was written collected), wiping
between runs. Reports median CPU seconds of each (CPU time, not wall time: a shared machine's load
swings wall times by ±50%, see bench/import_bench.py for the end-to-end ratio). One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_bench  # noqa: E402  (this folder: generate, setup_django, wipe)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        os.environ["DJANGO_MEDIA_ROOT"] = str(directory / "media")
        os.environ["IMPORT_PROGRESS_DIR"] = str(directory / "progress")
        import_bench.setup_django(f"sqlite:///{directory / 'overhead.sqlite3'}")
        from registry.kernel.excel.engine import import_file
        from registry.kernel.excel.recording import record_start, run_import

        areas, orgs, roster = import_bench.generate(directory, args.rows)
        for kind, path in (("areas", areas), ("organizations", orgs)):
            import_file(kind, path.read_bytes())
        data = roster.read_bytes()
        bare, recorded = [], []
        for _ in range(args.runs):
            started = time.process_time()
            assert import_file("mediators", data).created == args.rows
            bare.append(time.process_time() - started)
            import_bench.wipe()
            started = time.process_time()
            record = record_start(kind="mediators", data=data, file_name="roster.xlsx")
            assert run_import(record, data).created == args.rows
            recorded.append(time.process_time() - started)
            import_bench.wipe()
        bare_s, recorded_s = statistics.median(bare), statistics.median(recorded)
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "bare_cpu_seconds": round(bare_s, 2),
                    "recorded_cpu_seconds": round(recorded_s, 2),
                    "overhead": round(recorded_s / bare_s - 1, 3),
                }
            )
        )


if __name__ == "__main__":
    main()
