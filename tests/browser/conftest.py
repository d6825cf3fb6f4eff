"""Browser tests drive Debian's chromium through Playwright.

Without a browser they skip with a clear message; with REQUIRE_BROWSER=1 (CI) they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# AXE_JS: another copy of axe-core (a checkout whose node_modules lacks it, e.g. a worktree).
AXE_JS = Path(os.environ.get("AXE_JS") or ROOT / "node_modules" / "axe-core" / "axe.min.js")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = (
            "Debian's chromium is not installed (apt-get install -y chromium, or set "
            "CHROMIUM_PATH): browser tests skipped."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message.replace("skipped", "required (REQUIRE_BROWSER=1)"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    outside: list[str] = []

    def record(request):
        url = request.url
        if not url.startswith((live_server.url, "data:", "blob:", "about:")):
            outside.append(url)

    page.on("request", record)
    page.requests_outside = outside
    yield page
    context.close()


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from an empty database: load the reference data."""
    call_command("load_reference_data", verbosity=0)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    # Injected through the DevTools protocol: our CSP (rightly) refuses inline scripts.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in impacts]
