"""The layers (import-linter contracts in pyproject.toml): the roster knows none of the apps
built on it; those apps know only the roster. Each test runs lint-imports for real."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["registry", "training", "subsidies", "branding"]
LINT = str(Path(sys.executable).with_name("lint-imports"))


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT, "--no-cache", "--config", "pyproject.toml"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def copy_tree(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_registry_importing_a_sibling_breaks_the_contract(tmp_path):
    tree = copy_tree(tmp_path)
    (tree / "registry" / "reports.py").write_text(
        (tree / "registry" / "reports.py").read_text() + "\nfrom training.models import Attendance  # noqa\n"
    )
    result = lint(tree)
    assert result.returncode == 1
    assert "registry knows none of the apps built on it BROKEN" in result.stdout
    assert "registry.reports -> training.models" in result.stdout


def test_siblings_importing_each_other_break_the_contract(tmp_path):
    tree = copy_tree(tmp_path)
    (tree / "branding" / "services.py").write_text(
        (tree / "branding" / "services.py").read_text() + "\nimport subsidies.models  # noqa\n"
    )
    result = lint(tree)
    assert result.returncode == 1
    assert "do not import each other BROKEN" in result.stdout
