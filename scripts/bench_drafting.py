"""Load-test the children's pages (issue 10): 200 children in 5 sessions reading and
submitting for 60 s against the production-like server (scripts/serve.sh), all from one address.

    make bench-drafting                       # throwaway SQLite in var/
    BENCH_DATABASE_URL=postgres://... make bench-drafting

Prints requests, errors and p50 / p95 / p99 latency per kind (reading "Ideas from the group",
sending an idea). Each child sends an idea about every 7 s (under the per-child rate limit of
10 in 10 minutes, CH-11) and reads the group's ideas in between, about once a second.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "5"))
PER_SESSION = int(os.environ.get("BENCH_CHILDREN_PER_SESSION", "40"))
DURATION = float(os.environ.get("BENCH_SECONDS", "60"))
PORT = os.environ.get("BENCH_PORT", "8010")
BASE = f"http://127.0.0.1:{PORT}"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def classroom_tokens() -> list[str]:
    import django

    django.setup()
    from django.core.management import call_command

    from drafting import services
    from drafting.models import ConsentBasis
    from pledges.models import PledgeText, ReviewState
    from pledges.roles import roles_ensure

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-facilitator")
    user.is_staff = True
    user.save()
    user.groups.add(roles_ensure()["facilitator"])
    user = get_user_model().objects.get(pk=user.pk)
    text = PledgeText.objects.filter(review_state=ReviewState.VERIFIED).order_by("-version")[0]
    tokens = []
    for n in range(SESSIONS):
        session = services.session_create(
            user=user,
            pledge_text=text,
            language="en",
            age_band="13-15",
            region="Africa",
            title=f"Bench room {n}",
            consent_basis=ConsentBasis.OTHER,
            consent_reference="bench, no real children",
            safeguarding_contact="bench",
            helpline="bench",
        )
        session = services.session_open(session=session, user=user, expected_lock_version=1)
        for _ in range(PER_SESSION):
            participant, token = services.participant_join(code=session.join_code)
            services.participant_admit(participant=participant, user=user)
            tokens.append(token)
    return tokens


def child_loop(token: str, until: float, results: list, lock: threading.Lock) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )
    suggest = f"{BASE}/en/draft/s/{token}/suggest/"
    ideas = f"{BASE}/en/draft/s/{token}/ideas/"

    def timed(kind: str, request, ok: int) -> bytes:
        start = time.perf_counter()
        try:
            with opener.open(request, timeout=30) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            body, status = b"", exc.code
        except OSError as exc:
            body, status = b"", repr(exc)
        with lock:
            results.append((kind, time.perf_counter() - start, status == ok, status))
        return body

    form = timed("open the form", suggest, 200)
    match = CSRF_INPUT.search(form.decode(errors="replace"))
    csrf = match.group(1) if match else ""
    n = 0
    next_send = time.monotonic() + (hash(token) % 7000) / 1000
    while time.monotonic() < until:
        if time.monotonic() >= next_send:
            n += 1
            data = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf, "clause_key": "", "text": f"Bench idea {n}"}
            ).encode()
            request = urllib.request.Request(  # noqa: S310 - our own http server
                suggest, data=data, headers={"Referer": suggest}
            )
            timed("send an idea", request, 302)
            next_send += 7
        else:
            timed("read the group's ideas", ideas, 200)
            time.sleep(1)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def main() -> None:
    database = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-drafting.sqlite3'}"
    )
    os.environ["DATABASE_URL"] = database
    tokens = classroom_tokens()
    env = {**os.environ, "PORT": PORT, "HOST": "127.0.0.1", "DATABASE_URL": database}
    server = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{BASE}/en/draft/join/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        results: list = []
        lock = threading.Lock()
        until = time.monotonic() + DURATION
        threads = [
            threading.Thread(target=child_loop, args=(t, until, results, lock)) for t in tokens
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"{len(tokens)} children in {SESSIONS} sessions, one address, {elapsed:.0f} s, "
        f"database {database.split(':')[0]}"
    )
    for kind in ("open the form", "read the group's ideas", "send an idea"):
        rows = [r for r in results if r[0] == kind]
        times = sorted(r[1] * 1000 for r in rows)
        errors = [r[3] for r in rows if not r[2]]
        print(
            f"  {kind:<24} {len(rows):>6} requests  {len(errors):>4} errors  "
            f"p50 {percentile(times, 50):6.0f} ms  p95 {percentile(times, 95):6.0f} ms  "
            f"p99 {percentile(times, 99):6.0f} ms"
            + (f"  (first errors: {errors[:3]})" if errors else "")
        )


if __name__ == "__main__":
    main()
