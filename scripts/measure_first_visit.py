"""Measure what a first visit to a page transfers, in a real browser (Playwright + chromium).

Usage: .venv/bin/python scripts/measure_first_visit.py http://127.0.0.1:8000/map/ [budget_kb]

Counts every response of a cold visit (empty cache), compressed as sent on the wire
(headers + body), waits until the map is drawn, and fails when any request goes to another
host or when the total is over the budget (default 700 KB, 1 KB = 1000 bytes).
"""

from __future__ import annotations

import shutil
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright


def main() -> int:
    url = sys.argv[1]
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else 700
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is required (apt-get install -y chromium)", file=sys.stderr)
        return 2
    rows, outside = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
        )
        page = browser.new_context().new_page()

        def finished(request):
            if not request.url.startswith(origin):
                outside.append(request.url)
                return
            sizes = request.sizes()
            response = request.response()
            rows.append(
                (
                    sizes["responseBodySize"] + sizes["responseHeadersSize"],
                    response.headers.get("content-encoding", "-") if response else "-",
                    request.url[len(origin) :],
                )
            )

        page.on("requestfinished", finished)
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith((origin, "data:")) else None,
        )
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector("[data-drawn]", timeout=30_000)
        browser.close()
    total = sum(size for size, _enc, _url in rows)
    for size, encoding, path in sorted(rows, reverse=True):
        print(f"{size / 1000:9.1f} KB  {encoding:<5} {path}")
    print(f"{total / 1000:9.1f} KB  total, {len(rows)} requests (budget {budget} KB)")
    if outside:
        print("Requests to other hosts:", *sorted(set(outside)), sep="\n  ")
        return 1
    return 0 if total <= budget * 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
