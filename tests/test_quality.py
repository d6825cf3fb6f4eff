"""The code base stays clean: migrations complete, ruff clean, layers respected."""

import ast
import re
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


# The layers (docs/architecture.md): pledges <- {campaign, drafting} <- {staff, dashboards};
# config composes them all and nothing imports config or the two faces.
APPS = {"config", "pledges", "campaign", "drafting", "staff", "dashboards"}


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & APPS


def test_layers_pledges_imports_no_other_app():
    assert imported_apps("pledges") <= {"pledges"}


def test_layers_campaign_builds_only_on_pledges():
    assert imported_apps("campaign") <= {"campaign", "pledges"}


def test_layers_drafting_builds_only_on_pledges():
    # Children's co-drafting sits beside campaign, on the pledge text; neither imports the other.
    assert imported_apps("drafting") <= {"drafting", "pledges"}


def test_layers_staff_builds_on_the_domain_only():
    # Not dashboards (the other face), not config (which imports staff).
    assert imported_apps("staff") <= {"staff", "campaign", "drafting", "pledges"}


def test_layers_dashboards_builds_on_the_domain_only():
    # Not staff (the other face), not config (which imports dashboards).
    assert imported_apps("dashboards") <= {"dashboards", "campaign", "drafting", "pledges"}


def test_layers_dashboards_reads_through_selectors_only():
    offenders = []
    for path in (ROOT / "dashboards").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                top, _, rest = node.module.partition(".")
                # pledges.spreadsheets: how a CSV/XLSX cell is written (no data access);
                # pledges.names: how a state's name is matched (the one resolver, issue 12)
                if top in {"pledges", "campaign", "drafting"} and rest not in {
                    "selectors",
                    "signals",
                    "spreadsheets",
                    "names",
                }:
                    offenders.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert not offenders, "dashboards must read other apps through selectors: " + ", ".join(
        offenders
    )


# --- Layers in templates and URL names: a link or a reverse() is a dependency too ------------

URL_NAME_IN_TEMPLATE = re.compile(r"""{%\s*url\s+["']([\w-]+):([\w-]+)""")
URL_NAME_IN_PYTHON = re.compile(r"^([\w-]+):[\w-]+$")
# The admin is a staff door: its customisations live in staff/admin.py.
STAFF_NAMESPACES = {"admin"}
# Links from dashboards/ to staff pages that are allowed, as url_names_used() reports them
# ("dashboards/templates/dashboards/x.html: staff:staff_home"). None today: the public header's
# "Staff workspace" link (for signed-in staff) is in config/templates/base.html, and
# config composes both faces; the public pages themselves never link into staff tools.
DASHBOARDS_TO_STAFF_ALLOWED: set[str] = set()


def url_namespaces(app: str) -> set[str]:
    """The app_name of every URL module in an app."""
    names = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "app_name" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                names.add(node.value.value)
    return names


def templates_of(app: str) -> list[Path]:
    return [
        path
        for folder in (ROOT / app).rglob("templates")
        for path in folder.rglob("*")
        if path.is_file()
    ]


def url_names_used(app: str, namespaces: set[str]) -> list[str]:
    """Where an app's templates ({% url %}) or Python (string literals) name those URLs."""
    found = []
    for path in templates_of(app):
        for namespace, name in URL_NAME_IN_TEMPLATE.findall(path.read_text(encoding="utf-8")):
            if namespace in namespaces:
                found.append(f"{path.relative_to(ROOT)}: {namespace}:{name}")
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = URL_NAME_IN_PYTHON.match(node.value)
                if match and match.group(1) in namespaces:
                    found.append(f"{path.relative_to(ROOT)}: {node.value}")
    return found


def test_layers_url_namespaces_are_known():
    # A guard for the tests below: they read the namespaces from the URL modules.
    assert url_namespaces("staff") == {"staff"}
    assert {"dashboards", "api", "open_data", "exports"} <= url_namespaces("dashboards")


@pytest.mark.parametrize("app", ["pledges", "campaign"])
def test_layers_domain_apps_have_no_templates(app):
    # Pages belong to a face (staff or dashboards), never to the domain.
    assert not templates_of(app), [str(p.relative_to(ROOT)) for p in templates_of(app)]


@pytest.mark.parametrize("app", ["pledges", "campaign", "drafting"])
def test_layers_domain_apps_name_no_staff_or_public_url(app):
    faces = url_namespaces("staff") | STAFF_NAMESPACES | url_namespaces("dashboards")
    assert not url_names_used(app, faces)


def test_layers_dashboards_links_no_staff_page():
    used = url_names_used("dashboards", url_namespaces("staff") | STAFF_NAMESPACES)
    assert set(used) <= DASHBOARDS_TO_STAFF_ALLOWED, used


def test_layers_staff_links_no_public_page():
    # The public header comes from config/templates/base.html; staff pages add no public link.
    assert not url_names_used("staff", url_namespaces("dashboards"))
