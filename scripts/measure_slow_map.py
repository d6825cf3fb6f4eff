"""Time to map on a slow connection, in a real browser (Playwright + chromium, issue 12).

Usage: .venv/bin/python scripts/measure_slow_map.py http://127.0.0.1:8000/map/ [runs]

Emulates a 2G-like link with Chrome's network conditions (50 KB/s down and up, 300 ms
latency; 1 KB = 1000 bytes), cold cache each run, and reports per run: the first
contentful paint, the moment the server-drawn SVG map has been painted (the map a visitor
sees before any script: in the page, laid out, two animation frames later), and the moment
plotly has drawn the interactive map.
Prints the median of the runs and exits non-zero when the median time to the SVG map is
over the 3 s target.
"""

from __future__ import annotations

import shutil
import statistics
import sys

from playwright.sync_api import sync_playwright

THROUGHPUT = 50_000  # bytes per second
LATENCY_MS = 300
TARGET_S = 3.0

SVG_SHOWN = """() => {
  const svg = document.querySelector('.map-svg');
  if (!svg) { return false; }
  const box = svg.getBoundingClientRect();
  return box.width > 100 && box.height > 50;
}"""


def one_run(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": THROUGHPUT,
            "uploadThroughput": THROUGHPUT,
        },
    )
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_function(SVG_SHOWN, polling="raf", timeout=120_000)
    # two animation frames later it has been painted (frames wait for the stylesheets)
    svg_at = page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame("
        "() => done(performance.now()))))"
    )
    page.wait_for_selector("#world-map[data-drawn]", state="attached", timeout=180_000)
    drawn_at = page.evaluate("performance.now()")
    fcp = page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
    )
    context.close()
    return {"fcp": (fcp or 0) / 1000, "svg": svg_at / 1000, "plotly": drawn_at / 1000}


def main() -> int:
    url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is required (apt-get install -y chromium)", file=sys.stderr)
        return 2
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
        )
        for i in range(runs):
            result = one_run(browser, url)
            results.append(result)
            print(
                f"run {i + 1}: first paint {result['fcp']:.2f} s, server map shown "
                f"{result['svg']:.2f} s, plotly map drawn {result['plotly']:.2f} s"
            )
        browser.close()
    median = {k: statistics.median(r[k] for r in results) for k in ("fcp", "svg", "plotly")}
    print(
        f"median of {runs} at {THROUGHPUT // 1000} KB/s, {LATENCY_MS} ms: first paint "
        f"{median['fcp']:.2f} s, map shown {median['svg']:.2f} s (target <= {TARGET_S:.0f} s), "
        f"interactive map {median['plotly']:.2f} s"
    )
    return 0 if median["svg"] <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
