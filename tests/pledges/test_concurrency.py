"""Concurrent submissions are all kept on the demo's SQLite (WAL, busy timeout, IMMEDIATE)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITERS = textwrap.dedent(
    """
    import datetime as dt
    import threading

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from pledges import services
    from pledges.models import Country, PledgeEvent
    from pledges.roles import roles_ensure

    user = get_user_model().objects.create(username="writer")
    user.groups.add(roles_ensure()["editor"])
    states = list(Country.objects.order_by("iso3")[:8])
    errors = []

    def write(worker):
        try:
            for n in range(15):
                services.pledge_event_create(
                    country=states[worker],
                    user=user,
                    to_status="in_dialogue",
                    event_date=dt.date(2026, 1, 1 + n),
                    source_url=f"https://example.org/{worker}/{n}",
                )
        except Exception as exc:  # report, don't hide
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(PledgeEvent.objects.count(), len(errors), errors[:3])
    """
)


def test_concurrent_writers_on_sqlite_all_succeed(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(tmp_path / "concurrent.sqlite3"),
        SNAPSHOT_DIR=str(tmp_path / "snapshot"),
    )
    for command in (["migrate", "-v0"], ["load_reference_data", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120
        )
    result = subprocess.run(
        [sys.executable, "-c", WRITERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["120", "0"], result.stdout
