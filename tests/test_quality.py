"""The code base stays clean: migrations complete, ruff clean, layers respected."""

import ast
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"Missing migrations (exit {exc.code}):\n{out.getvalue()}")


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args):
    result = subprocess.run(
        [str(RUFF), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {"pledges", "campaign", "dashboards"}


def test_layers_pledges_imports_no_other_app():
    assert imported_apps("pledges") <= {"pledges"}


def test_layers_campaign_builds_only_on_pledges():
    assert imported_apps("campaign") <= {"campaign", "pledges"}


def test_layers_dashboards_reads_through_selectors_only():
    offenders = []
    for path in (ROOT / "dashboards").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                top, _, rest = node.module.partition(".")
                # pledges.spreadsheets: how a CSV/XLSX cell is written (no data access)
                if top in {"pledges", "campaign"} and rest not in {
                    "selectors",
                    "signals",
                    "spreadsheets",
                }:
                    offenders.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert not offenders, "dashboards must read other apps through selectors: " + ", ".join(
        offenders
    )
