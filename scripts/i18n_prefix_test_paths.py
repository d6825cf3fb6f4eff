"""One-off helper for merges (issue 14): prefix the hard-coded page paths in tests with /en/.

Usage: python3 scripts/i18n_prefix_test_paths.py tests/some/test_file.py ...
Rewrites string literals such as "/countries/GHA/" -> "/en/countries/GHA/" and
f"{live_server.url}/map/" -> f"{live_server.url}/en/map/", and .get("/") -> .get("/en/");
leaves the language-neutral paths alone (/data/snapshot.json, /data/live.json, /map/states.*,
/api/, /exports/, /admin/, /evidence/). Check the diff: a path inside a test-only URLconf
(tests/staff/urls_database_down.py) or a string with a nested quote needs a hand.
"""

import pathlib
import re
import sys

SEG = r"(?:staff|accounts|draft|countries|map|pledge|partners|live|embed|feeds|data)"
NEUTRAL = re.compile(r"^/(?:data/(?:snapshot|live)\.json|map/states\.)")
# a string literal (optionally f/r prefixed) starting with a prefixed path
lit = re.compile(
    r"""(?P<pre>(?<![\w])[fr]?)(?P<q>["'])(?P<path>/""" + SEG + r"""(?:[/?.#][^"'\n]*)?)(?P=q)"""
)
# inside f-strings: {live_server.url}/map/...
fst = re.compile(r"""(?P<base>\{[^{}]*(?:url|base|server)[^{}]*\})(?P<path>/""" + SEG + r"""\b)""")
# home page: .get("/") / .get("/?...")
home = re.compile(
    r"""(?P<call>\.(?:get|head|post)\(\s*)(?P<q>["'])/(?P<rest>(?:\?[^"']*)?)(?P=q)"""
)
total = 0
for f in sys.argv[1:]:
    p = pathlib.Path(f)
    s = p.read_text()
    n0 = s

    def r_lit(m):
        path = m["path"]
        if NEUTRAL.match(path):
            return m[0]
        if path.startswith("/data") and not path.startswith("/data/") and path != "/data":
            return m[0]
        return f"{m['pre']}{m['q']}/en{path}{m['q']}"

    s = lit.sub(r_lit, s)

    def r_f(m):
        rest = m.string[m.end("base") : m.end("base") + 40]
        if NEUTRAL.match(rest):
            return m[0]
        return m["base"] + "/en" + m["path"]

    s = fst.sub(r_f, s)
    s = home.sub(lambda m: f"{m['call']}{m['q']}/en/{m['rest']}{m['q']}", s)
    if s != n0:
        total += 1
        p.write_text(s)
print("files changed", total)
