"""The public snapshot: one JSON document holding everything public (DESIGN.md).

Rebuilt when a verified change lands (pledges.signals.public_data_changed), kept in the
cache and on disk as the last good copy, so a warm public request makes no database query
and a database outage still serves the last good copy with its as-of time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from campaign.selectors import campaign_current, partner_list_public, partners_by_country
from pledges.selectors import (
    LADDER,
    NO_INFORMATION,
    country_list,
    current_capability_statuses_all,
    current_strategies_all,
    demo_data_present,
    domain_list,
    public_events_all,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CACHE_KEY = f"dashboards:snapshot:v{SCHEMA_VERSION}"


@dataclass(frozen=True)
class Snapshot:
    body: bytes
    etag: str
    as_of: str
    from_last_good_copy: bool = False

    @property
    def data(self) -> dict:
        return json.loads(self.body)


def snapshot_build() -> dict:
    """Assemble the public data from the selectors (a fixed number of queries)."""
    campaign = campaign_current()
    pledge_text_id = campaign.pledge_text_id if campaign else None
    strategies = current_strategies_all()
    capabilities = current_capability_statuses_all()
    partners_at = partners_by_country()
    domains = [
        {
            "key": d.key,
            "number": d.number,
            "name": d.name,
            "capabilities": [
                {"key": c.key, "number": c.number, "name": c.name, "description": c.description}
                for c in d.capabilities.all()
            ],
        }
        for d in domain_list()
    ]
    events_by_state: dict[str, list[dict]] = {}
    for event in public_events_all():
        if pledge_text_id is not None and event.pledge.pledge_text_id != pledge_text_id:
            continue
        events_by_state.setdefault(event.pledge.country_id, []).append(
            {"date": event.event_date.isoformat(), "from": event.from_status, "to": event.to_status}
        )
    states = []
    for country in country_list():
        history = events_by_state.get(country.iso3, [])
        latest = max(history, key=lambda e: e["date"]) if history else None
        strategy = strategies.get(country.iso3)
        states.append(
            {
                "iso3": country.iso3,
                "iso2": country.iso2,
                "m49": country.m49,
                "name": country.short_name,
                "region": country.region,
                "sub_region": country.sub_region,
                "un_status": country.un_status,
                "lat": country.latitude,
                "lon": country.longitude,
                "pledge": {
                    "status": latest["to"] if latest else NO_INFORMATION,
                    "since": latest["date"] if latest else None,
                },
                "events": history,
                "strategy": {
                    "status": strategy.status,
                    "title": strategy.title,
                    "year": strategy.year,
                    "references_mnr": strategy.references_mnr,
                }
                if strategy
                else None,
                "capabilities": capabilities.get(country.iso3, {}),
                "partners": partners_at.get(country.iso3, []),
            }
        )
    return {
        "schema": SCHEMA_VERSION,
        "as_of": timezone.now().isoformat(timespec="seconds"),
        "demo_data": demo_data_present(),
        "campaign": {
            "name": campaign.name,
            "target_states": campaign.target_states,
            "launch_date": campaign.launch_date.isoformat(),
        }
        if campaign
        else None,
        "ladder": list(LADDER),
        "domains": domains,
        "partners": [
            {"slug": p.slug, "name": p.name, "type": p.partner_type, "website": p.website}
            for p in partner_list_public()
        ],
        "states": states,
    }


def _serialise(data: dict) -> Snapshot:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Snapshot(body=body, etag=etag, as_of=data["as_of"])


def _disk_path() -> Path:
    return Path(settings.SNAPSHOT_DIR) / f"snapshot-v{SCHEMA_VERSION}.json"


def _write_last_good_copy(snapshot: Snapshot) -> None:
    path = _disk_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        tmp.write(snapshot.body)
    os.replace(tmp.name, path)  # atomic: readers see the old or the new copy, never half


def _read_last_good_copy() -> Snapshot | None:
    try:
        body = _disk_path().read_bytes()
    except FileNotFoundError:
        return None
    snapshot = _serialise(json.loads(body))
    return Snapshot(snapshot.body, snapshot.etag, snapshot.as_of, from_last_good_copy=True)


def snapshot_refresh() -> Snapshot:
    """Rebuild the snapshot from the database and store it in the cache and on disk."""
    snapshot = _serialise(snapshot_build())
    cache.set(CACHE_KEY, snapshot, timeout=None)
    _write_last_good_copy(snapshot)
    return snapshot


def snapshot_current() -> Snapshot:
    """The snapshot to serve: cache, else rebuild, else the last good copy on disk."""
    snapshot = cache.get(CACHE_KEY)
    if snapshot is not None:
        return snapshot
    try:
        return snapshot_refresh()
    except DatabaseError:
        logger.exception("Snapshot rebuild failed; serving the last good copy")
        fallback = _read_last_good_copy()
        if fallback is None:
            raise
        return fallback
