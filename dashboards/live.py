"""The live document for launch day: as-of time, pledged count, newest pledges.

Derived from the public snapshot (verified data only), once per snapshot version, so that a
revalidation (If-None-Match -> 304) makes no database query once the snapshot is warm.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from dashboards.public import launch_panel
from dashboards.snapshot import Snapshot
from dashboards.snapshot_http import (
    CONTENT_TYPE,
    SNAPSHOT_CSP,
    SnapshotAnswer,
    etag_matches,
)

# Viewers (and a CDN) may keep a copy 5 s: the launch-day promise is "within 5 seconds".
LIVE_CACHE_CONTROL = "public, max-age=5, stale-while-revalidate=5, stale-if-error=86400"
LIVE_PATH = "/data/live.json"
# One document for every visitor: it depends on nothing in the request but, for the CORS
# header, whether it came with an Origin (no cookie, no language: a CDN keeps one copy).
LIVE_VARY = "Origin"
PLEDGED = ("pledged", "strategy_adopted", "reporting")
NEWEST = 10
WALL_NEWEST = 6  # the event wall shows fewer, larger


@dataclass(frozen=True)
class LiveDocument:
    body: bytes
    etag: str


_memo: dict[str, LiveDocument] = {}


def _pledged_since_launch(data: dict) -> int | None:
    """Member States pledged now that were not on the eve of the launch (None without one)."""
    campaign = data.get("campaign") or {}
    if not campaign.get("launch_date"):
        return None
    launch = dt.date.fromisoformat(campaign["launch_date"])
    # Today's statuses against the eve's: the same whatever day it is (the page shows it
    # from the launch day on), so the document stays one per snapshot version.
    return launch_panel(data, today=launch).pledged_since_launch


def live_document_build(data: dict) -> dict:
    """The live document's content from the snapshot's parsed data."""
    pledged = []
    members = 0
    for state in data["states"]:
        if state["un_status"] == "member" and state["pledge"]["status"] in PLEDGED:
            members += 1
    for state in data["states"]:
        if state["pledge"]["status"] not in PLEDGED:
            continue
        verified = max((e["verified"] for e in state["events"] if e["to"] in PLEDGED), default="")
        pledged.append(
            {
                "iso3": state["iso3"],
                "name": state["name"],
                "status": state["pledge"]["status"],
                "since": state["pledge"]["since"],
                "verified": verified,
                "demo": state["pledge"]["demo"],
            }
        )
    pledged.sort(key=lambda p: (p["verified"], p["since"] or "", p["iso3"]), reverse=True)
    return {
        "as_of": data["as_of"],
        "demo_data": data["demo_data"],
        "pledged_count": len(pledged),
        "pledged_members": members,
        "pledged_since_launch": _pledged_since_launch(data),
        "target_states": (data["campaign"] or {}).get("target_states"),
        "newest": pledged[:NEWEST],
        # Every state's pledge status that is not "no information", for the map's colours.
        "statuses": {
            s["iso3"]: s["pledge"]["status"]
            for s in data["states"]
            if s["pledge"]["status"] != "no_information"
        },
    }


def live_document(snapshot: Snapshot) -> LiveDocument:
    """The live document of this snapshot version, built once per version and process."""
    found = _memo.get(snapshot.etag)
    if found is None:
        body = json.dumps(
            live_document_build(snapshot.data), ensure_ascii=False, separators=(",", ":")
        ).encode()
        found = LiveDocument(body, '"live-' + hashlib.sha256(body).hexdigest()[:24] + '"')
        _memo.clear()
        _memo[snapshot.etag] = found
    return found


def live_not_modified(document: LiveDocument, if_none_match: str | None) -> bool:
    return etag_matches(if_none_match, document.etag)


def live_answer(
    document: LiveDocument, *, method: str, if_none_match: str | None
) -> SnapshotAnswer:
    """Status, headers and body for one GET or HEAD of the live document.

    The Django view (dashboards.views.live_json) and the WSGI fast path (dashboards/wsgi.py)
    both send this, so a viewer's poll is answered alike whichever door it takes.
    """
    headers = [
        ("ETag", document.etag),
        ("Cache-Control", LIVE_CACHE_CONTROL),
        ("Vary", LIVE_VARY),
        ("Content-Security-Policy", SNAPSHOT_CSP),
    ]
    if live_not_modified(document, if_none_match):
        # As Django sends every 304: no Content-Type, and the length of the empty content.
        return SnapshotAnswer(304, [*headers, ("Content-Length", "0")], b"")
    headers += [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(document.body)))]
    return SnapshotAnswer(200, headers, b"" if method == "HEAD" else document.body)
