"""The public snapshot: one JSON document holding everything public (DESIGN.md).

Rebuilt when a verified change lands (pledges.signals.public_data_changed), kept in the
cache and on disk as the last good copy, so a warm public request makes no database query
and a database outage still serves the last good copy with its as-of time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError
from django.utils import timezone

from dashboards.records import (
    CountryRecord,
    EventRecord,
    PledgeRecord,
    SourceRecord,
    StrategyRecord,
    public_data,
    source_record,
)
from pledges.selectors import (
    LADDER,
    NAME_CODES,
    NO_INFORMATION,
    CapabilityStatusChoice,
    demo_data_present,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CACHE_KEY = f"dashboards:snapshot:v{SCHEMA_VERSION}"
ETAG_KEY = f"dashboards:snapshot-etag:v{SCHEMA_VERSION}"
# While the database is down, the last good copy is reused this long before trying again,
# so an outage does not turn every public request into a connection attempt.
FALLBACK_RETRY_SECONDS = 30
# Capability statuses that say something from public evidence (the rest is "no information").
KNOWN_CAPABILITY_STATUSES = (
    CapabilityStatusChoice.NOT_IN_PLACE,
    CapabilityStatusChoice.IN_DEVELOPMENT,
    CapabilityStatusChoice.IN_PLACE,
)


@dataclass(frozen=True)
class Snapshot:
    body: bytes
    etag: str
    as_of: str
    from_last_good_copy: bool = False
    # The same bytes compressed once per rebuild (not per request): served by Accept-Encoding.
    body_gzip: bytes = b""
    body_br: bytes = b""

    @property
    def data(self) -> dict:
        """The parsed document, parsed once per snapshot object (treat it as read-only)."""
        parsed = self.__dict__.get("_data")
        if parsed is None:
            parsed = json.loads(self.body)
            object.__setattr__(self, "_data", parsed)
        return parsed

    def __getstate__(self) -> dict:
        # The cache stores the bytes, not the parsed copy.
        return {k: v for k, v in self.__dict__.items() if k != "_data"}


def _coverage(capabilities: dict[str, dict], domains: list[dict]) -> dict[str, dict]:
    """Per MNR domain: how many capabilities have public evidence of being in place.

    Shown per domain only: never summed across domains into a score or a ranking (WeProtect).
    """
    coverage = {}
    for domain in domains:
        keys = [c["key"] for c in domain["capabilities"]]
        statuses = [capabilities[k]["status"] for k in keys if k in capabilities]
        coverage[domain["key"]] = {
            "in_place": sum(1 for s in statuses if s == CapabilityStatusChoice.IN_PLACE),
            "of": len(keys),
            "known": any(s in KNOWN_CAPABILITY_STATUSES for s in statuses),
        }
    return coverage


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _source(source: SourceRecord) -> dict:
    return {
        "url": source.link,
        "title": source.title,
        "publisher": source.publisher,
        "date": _date(source.date),
    }


def _event(event: EventRecord) -> dict:
    return {
        "date": event.event_date.isoformat(),
        # The document says null, not "no_information", for a first status.
        "from": None if event.from_status == NO_INFORMATION else event.from_status,
        "to": event.to_status,
        "verified": event.verified_at.date().isoformat(),
        # When it was verified (full precision): "latest verified changes" are sorted by it
        "verified_at": event.verified_at.isoformat(),
        "note": event.note,
        "source": _source(event.source),
        "demo": event.is_demo,
    }


def _pledge(pledge: PledgeRecord) -> dict:
    return {
        "status": pledge.status,
        "since": _date(pledge.since),
        "office": pledge.signed_by_office,
        "note": pledge.public_note,
        "demo": pledge.is_demo,
        # The version of the pledge text the status refers to (a published one: pledges are
        # made to the current text); the country page links /pledge/v/<n>/.
        "text_version": pledge.pledge_text_version if pledge.verified else None,
    }


def _strategy(strategy: StrategyRecord | None) -> dict | None:
    if strategy is None:
        return None
    return {
        "status": strategy.status,
        "title": strategy.title,
        "year": strategy.year,
        "references_mnr": strategy.references_mnr,
        "link": strategy.link,
        "note": strategy.note,
        "verified": strategy.verified_at.date().isoformat(),
        "source": _source(strategy.source),
        "demo": strategy.is_demo,
    }


def _capability_details(country: CountryRecord) -> dict[str, dict]:
    """The verified capability statuses only (the map draws the rest as "no information")."""
    return {
        c.capability: {
            "status": c.status,
            "verified": c.verified_at.date().isoformat(),
            "note": c.note,
            "source": _source(c.source) if c.source.present else None,
            "demo": c.is_demo,
        }
        for c in country.capabilities
        if c.verified
    }


def snapshot_build() -> dict:
    """Render the public records (dashboards.records) as the snapshot document.

    A fixed number of queries: those of `public_data()` and the demo-data flag.
    """
    public = public_data()
    campaign = public.campaign
    # The MNR in the six UN languages, as the states' names (the project's own translations):
    # dashboards.public.data_localised puts the page's language into "name"/"description".
    domains = [
        {
            "key": d.key,
            "number": d.number,
            "name": d.name,
            "names": {code: d.name_in(code) for code in NAME_CODES},
            "capabilities": [
                {
                    "key": c.key,
                    "number": c.number,
                    "name": c.name,
                    "description": c.description,
                    "names": {code: c.name_in(code) for code in NAME_CODES},
                    "descriptions": {code: c.description_in(code) for code in NAME_CODES},
                }
                for c in d.capabilities.all()
            ],
        }
        for d in public.domains
    ]
    events_by_state = public.events_by_country()
    states = []
    for country in public.countries:
        # The pledge's verified status (set only by verifying an event) is the current one;
        # the events are its public history (oldest first) and drive the map's time slider.
        details = _capability_details(country)
        states.append(
            {
                "iso3": country.iso3,
                "iso2": country.iso2,
                "m49": country.m49,
                "name": country.name,
                # The official names in the six UN languages: a page shows the state in its
                # language (dashboards.public.data_localised).
                "names": {
                    "en": country.names.en,
                    "fr": country.names.fr,
                    "es": country.names.es,
                    "ru": country.names.ru,
                    "zh": country.names.zh,
                    "ar": country.names.ar,
                },
                "region": country.region,
                "sub_region": country.sub_region,
                "un_status": country.un_status,
                "lat": country.latitude,
                "lon": country.longitude,
                "pledge": _pledge(country.pledge),
                "events": [_event(e) for e in events_by_state.get(country.iso3, [])],
                "strategy": _strategy(country.strategy),
                "capabilities": {key: d["status"] for key, d in details.items()},
                "capability_details": details,
                "coverage": _coverage(details, domains),
                "partners": list(country.partners),
                "search_keys": list(country.search_keys),
                "reports": [
                    {
                        "date": r.report_date.isoformat(),
                        "title": r.title,
                        "summary": r.summary,
                        "source": _source(source_record(r)),
                        "demo": r.is_demo,
                    }
                    for r in public.reports.get(country.iso3, ())
                ],
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
            "launch_event": campaign.launch_event,
            "report_first_months": campaign.report_first_months,
            "report_interval_months": campaign.report_interval_months,
            "milestones": [
                {"name": m.name, "date": m.date.isoformat(), "kind": m.kind}
                for m in public.milestones
            ],
        }
        if campaign
        else None,
        "ladder": list(LADDER),
        "domains": domains,
        "partners": [
            {
                "slug": p.slug,
                "name": p.name,
                "type": p.type,
                "website": p.website,
                "works_globally": p.works_globally,
                "description": p.description,
                "endorsement": p.endorsement,
                "coi_disclosure": p.conflict_of_interest_disclosure,
                "outcomes": list(p.outcomes),
                "capabilities": list(p.capabilities),
                "countries": list(p.countries),
                "demo": p.is_demo,
            }
            for p in public.partners
        ],
        "outcomes": [{"number": n, "title": t} for n, t in public.outcomes],
        "states": states,
    }


def _serialise(data: dict, *, from_last_good_copy: bool = False) -> Snapshot:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Snapshot(
        body=body,
        etag=etag,
        as_of=data["as_of"],
        from_last_good_copy=from_last_good_copy,
        body_gzip=gzip.compress(body, compresslevel=9, mtime=0),
        body_br=brotli.compress(body, quality=9),
    )


def _disk_path() -> Path:
    return Path(settings.SNAPSHOT_DIR) / f"snapshot-v{SCHEMA_VERSION}.json"


def _disk_token() -> tuple[int, int, int] | None:
    """Identify the disk copy's version cheaply (a stat, no read)."""
    try:
        # (os.path, not pathlib: this runs on every warm request of the per-process cache)
        st = os.stat(os.path.join(settings.SNAPSHOT_DIR, f"snapshot-v{SCHEMA_VERSION}.json"))
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _write_last_good_copy(snapshot: Snapshot) -> None:
    path = _disk_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        tmp.write(snapshot.body)
    os.replace(tmp.name, path)  # atomic: readers see the old or the new copy, never half


def _read_last_good_copy(*, from_last_good_copy: bool = True) -> Snapshot | None:
    try:
        body = _disk_path().read_bytes()
    except FileNotFoundError:
        return None
    return _serialise(json.loads(body), from_last_good_copy=from_last_good_copy)


# --- Serving: a per-process copy in front of the cache ---------------------------------------
#
# A warm request must be cheap as well as query-free: unpickling a large document from the
# cache on every request would cost more than the response. Each process keeps the snapshot
# object it last saw and checks only a small token: the ETag key in a shared cache (Redis:
# another server may have rebuilt it), or, with the per-process cache of a laptop or demo,
# the disk copy's stat (another worker process may have rebuilt it).

_lock = threading.Lock()
_memo: dict[str, object] = {"snapshot": None, "token": None}


def _cache_is_shared() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def _remember(snapshot: Snapshot, token: object) -> Snapshot:
    with _lock:
        _memo["snapshot"], _memo["token"] = snapshot, token
    return snapshot


def _snapshot_stored() -> Snapshot | None:
    """The current snapshot from this process's memory or the cache (no query), if there is one."""
    etag = cache.get(ETAG_KEY)
    if etag is None:
        return None
    memo = _memo["snapshot"]
    if _cache_is_shared():
        if memo is not None and memo.etag == etag:
            return memo
        snapshot = cache.get(CACHE_KEY)
        return None if snapshot is None else _remember(snapshot, None)
    token = _disk_token()
    if memo is not None and memo.etag == etag and _memo["token"] == token:
        return memo
    if memo is not None and token is not None and _memo["token"] != token:
        # Another worker rebuilt it and wrote the disk copy: take theirs (reading, not
        # rebuilding, so that workers never rebuild in turn for each other).
        fresh = _read_last_good_copy(from_last_good_copy=False)
        if fresh is not None:
            cache.set(CACHE_KEY, fresh, timeout=None)
            cache.set(ETAG_KEY, fresh.etag, timeout=None)
            return _remember(fresh, token)
    snapshot = cache.get(CACHE_KEY)
    return None if snapshot is None else _remember(snapshot, token)


# --- Rebuilding: one build at a time ---------------------------------------------------------
#
# A cold cache (a new process, a Redis restart, the end of a database outage) is missed by
# every request at once; without a lock each would rebuild it (14 queries and a brotli pass
# over the whole document), on launch day as on any day. Two locks:
# - within a process, _build_lock: the other threads wait for the one that builds, then find
#   its copy in memory;
# - across processes and servers, BUILD_LOCK_KEY taken with cache.add (atomic on Redis, and
#   on the in-process cache within its process): the other processes poll the cache for the
#   new copy. A lock whose builder died expires after BUILD_LOCK_SECONDS.
# A request that misses waits for the new copy rather than serving the last good copy on disk
# at once: a build takes a fraction of a second, and on a server that did not build it the
# disk copy may be older than what browsers and the CDN already hold (it would flip their
# ETag back for a minute). Only a request that has waited WAIT_FOR_BUILD_SECONDS, for a
# build that is stuck, is served the disk copy, marked as the last good copy.
# A change (snapshot_refresh) always builds, after any build in progress: that build may
# have read the data from before the change, and the later build must be the one stored.

BUILD_LOCK_KEY = f"dashboards:snapshot-build-lock:v{SCHEMA_VERSION}"
BUILD_LOCK_SECONDS = 60
WAIT_FOR_BUILD_SECONDS = 10
WAIT_POLL_SECONDS = 0.05

_build_lock = threading.Lock()
_disk_copy: dict[str, object] = {"token": None, "snapshot": None}


def _build_lock_acquire(*, wait: bool) -> str | None:
    """Take the cross-process build lock; with wait, until it is free (or has expired)."""
    token = uuid.uuid4().hex
    give_up = time.monotonic() + BUILD_LOCK_SECONDS
    while not cache.add(BUILD_LOCK_KEY, token, timeout=BUILD_LOCK_SECONDS):
        if not wait or time.monotonic() > give_up:
            return None
        time.sleep(WAIT_POLL_SECONDS)
    return token


def _build_lock_release(token: str) -> None:
    # Not ours any more if our build outlasted the timeout and another process took it.
    if cache.get(BUILD_LOCK_KEY) == token:
        cache.delete(BUILD_LOCK_KEY)


def _build_and_store() -> Snapshot:
    """Build from the database and store it in the cache and on disk (the caller holds locks)."""
    snapshot = _serialise(snapshot_build())
    cache.set(CACHE_KEY, snapshot, timeout=None)
    cache.set(ETAG_KEY, snapshot.etag, timeout=None)
    _write_last_good_copy(snapshot)
    return _remember(snapshot, _disk_token())


def _build_or_last_good_copy() -> Snapshot:
    try:
        return _build_and_store()
    except DatabaseError:
        logger.exception("Snapshot rebuild failed; serving the last good copy")
        fallback = _last_good_copy()
        if fallback is None:
            raise
        # Serve it for a short while before trying the database again.
        cache.set(CACHE_KEY, fallback, timeout=FALLBACK_RETRY_SECONDS)
        cache.set(ETAG_KEY, fallback.etag, timeout=FALLBACK_RETRY_SECONDS)
        return _remember(fallback, _disk_token())


def _last_good_copy() -> Snapshot | None:
    """The disk copy as a last good copy, read (and compressed) once per version per process."""
    token = _disk_token()
    with _lock:
        if token is not None and _disk_copy["token"] == token:
            return _disk_copy["snapshot"]
    snapshot = _read_last_good_copy()
    with _lock:
        _disk_copy["token"], _disk_copy["snapshot"] = token, snapshot
    return snapshot


def snapshot_refresh() -> Snapshot:
    """Rebuild the snapshot from the database and store it in the cache and on disk."""
    with _build_lock:
        token = _build_lock_acquire(wait=True)
        try:
            return _build_and_store()
        finally:
            if token is not None:
                _build_lock_release(token)


def snapshot_current() -> Snapshot:
    """The snapshot to serve: memory or cache, else one rebuild, else the last good copy."""
    snapshot = _snapshot_stored()
    if snapshot is not None:
        return snapshot
    waited_until = time.monotonic() + WAIT_FOR_BUILD_SECONDS
    while True:
        with _build_lock:
            snapshot = _snapshot_stored()  # built while this request waited for the lock
            if snapshot is not None:
                return snapshot
            token = _build_lock_acquire(wait=False)
            if token is not None:
                try:
                    return _build_or_last_good_copy()
                finally:
                    _build_lock_release(token)
        # Another process is building it.
        if time.monotonic() > waited_until:
            fallback = _last_good_copy()
            if fallback is not None:
                return fallback
        time.sleep(WAIT_POLL_SECONDS)
