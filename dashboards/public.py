"""What the public pages show, computed from the public snapshot alone (no database).

Every function here takes the snapshot document (a dict) and returns plain data for a
template, a figure or a download. Nothing here queries the database: that is what lets a
warm public request make no query and a database outage still serve the last good copy.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaign.selectors import PartnerType
from dashboards.records import NO_PUBLIC_INFORMATION
from pledges.names import name_key, search_matches
from pledges.selectors import (
    LADDER,
    NO_INFORMATION,
    NO_INFORMATION_LABEL,
    PLEDGED_OR_BEYOND,
    CapabilityStatusChoice,
    PledgeStatus,
    StrategyStatus,
    UNStatus,
    accountability,
    collation_key,
    name_code,
)

MEMBER = UNStatus.MEMBER
STATUS_ORDER: tuple[str, ...] = (
    *LADDER,
    PledgeStatus.DECLINED,
    PledgeStatus.WITHDRAWN,
    NO_INFORMATION,
)
REGIONS: tuple[str, ...] = ("Africa", "Americas", "Asia", "Europe", "Oceania")
REGION_LABELS = {
    "Africa": _("Africa"),
    "Americas": _("Americas"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "Oceania": _("Oceania"),
}

# Colour-blind-safe: the ladder is one sequential blue ramp (order reads as light → dark),
# the side states are orange, and "no information" is grey (hatched in every legend), unlike
# any "no". The same colours are in site.css for the table's swatches.
NO_INFORMATION_COLOUR = "#bdbdbd"
PLEDGE_COLOURS = {
    PledgeStatus.NOT_ENGAGED: "#9ecae1",
    PledgeStatus.IN_DIALOGUE: "#6baed6",
    PledgeStatus.INTENDS_TO_PLEDGE: "#4292c6",
    PledgeStatus.PLEDGED: "#2171b5",
    PledgeStatus.STRATEGY_ADOPTED: "#08519c",
    PledgeStatus.REPORTING: "#08306b",
    PledgeStatus.DECLINED: "#f4a259",
    PledgeStatus.WITHDRAWN: "#c85a00",
    NO_INFORMATION: NO_INFORMATION_COLOUR,
}
STRATEGY_ORDER = (
    StrategyStatus.NONE,
    StrategyStatus.DRAFTING,
    StrategyStatus.UNDER_REVIEW,
    StrategyStatus.ADOPTED,
    NO_INFORMATION,
)
STRATEGY_COLOURS = {  # Okabe-Ito hues, distinct for all common colour-vision types
    StrategyStatus.NONE: "#e69f00",
    StrategyStatus.DRAFTING: "#56b4e9",
    StrategyStatus.UNDER_REVIEW: "#f0e442",
    StrategyStatus.ADOPTED: "#0072b2",
    NO_INFORMATION: NO_INFORMATION_COLOUR,
}
# "How many capabilities are in place" in one domain: 0 … 4, a green ramp.
COVERAGE_COLOURS = ("#f7fcb9", "#c2e699", "#78c679", "#31a354", "#006837")
PARTNER_BANDS = (
    ("0", _("No partner recorded"), "#fef0d9"),
    ("1", _("1 partner"), "#fdcc8a"),
    ("2-3", _("2 or 3 partners"), "#fc8d59"),
    ("4+", _("4 or more partners"), "#d7301f"),
)

# Accountability (issue 11): blue for on time, orange for overdue (colour-blind safe, and
# the legend and table name them), grey for states that owe no report.
REPORTING_BANDS = (
    (accountability.ON_TIME, _("Reporting on time"), "#0072b2"),
    (accountability.OVERDUE, _("Report overdue"), "#e69f00"),
    (accountability.NOT_PLEDGED, _("Not pledged: no report due"), NO_INFORMATION_COLOUR),
)
REPORTING_LABELS = {key: label for key, label, _colour in REPORTING_BANDS}

PLEDGE_LABELS = {**dict(PledgeStatus.choices), NO_INFORMATION: NO_INFORMATION_LABEL}
STRATEGY_LABELS = {**dict(StrategyStatus.choices), NO_INFORMATION: NO_INFORMATION_LABEL}
CAPABILITY_LABELS = dict(CapabilityStatusChoice.choices)
PARTNER_TYPE_LABELS = dict(PartnerType.choices)


def region_label(region: str) -> str:
    return str(REGION_LABELS.get(region, region))


@cache
def states_with_shape() -> frozenset[str]:
    """ISO3 codes with a shape in the 110m topojson; the others are drawn as markers."""
    ids = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / "topojson_ids.json").read_text(encoding="utf-8")
    )
    return frozenset(ids["110m"])


def has_shape(iso3: str) -> bool:
    return iso3 in states_with_shape()


# --- Status at a date (the time slider) ------------------------------------------------------


def pledge_status_on(state: dict, day: dt.date | None) -> tuple[str, str | None]:
    """(status, since) of a state on a day, from its verified events; today when day is None."""
    if day is None:
        return state["pledge"]["status"], state["pledge"]["since"]
    status, since = NO_INFORMATION, None
    iso_day = day.isoformat()
    for event in state["events"]:  # oldest first
        if event["date"] <= iso_day:
            status, since = event["to"], event["date"]
    return status, since


def month_ends(data: dict, *, today: dt.date) -> list[dt.date]:
    """The dates the time slider steps through: each month's end from the first event."""
    dates = [e["date"] for s in data["states"] for e in s["events"]]
    if not dates:
        return [today]
    first = dt.date.fromisoformat(min(dates))
    steps, year, month = [], first.year, first.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end >= today:
            break
        steps.append(end)
        year, month = nxt.year, nxt.month
    steps.append(today)
    return steps


# --- Layers: one category per state ----------------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str
    is_no_information: bool = False


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    categories: tuple[Category, ...]
    supports_time: bool = False
    domain: dict | None = None
    # The campaign's report schedule (months to the first, months between): the reporting layer
    schedule: tuple[int, int] | None = None


def layers(data: dict) -> list[Layer]:
    pledge = Layer(
        key="pledge",
        label=str(_("Pledge status")),
        categories=tuple(
            Category(s, str(PLEDGE_LABELS[s]), PLEDGE_COLOURS[s], s == NO_INFORMATION)
            for s in STATUS_ORDER
        ),
        supports_time=True,
    )
    strategy = Layer(
        key="strategy",
        label=str(_("National strategy")),
        categories=tuple(
            Category(s, str(STRATEGY_LABELS[s]), STRATEGY_COLOURS[s], s == NO_INFORMATION)
            for s in STRATEGY_ORDER
        ),
    )
    result = [pledge, strategy]
    for domain in data["domains"]:
        total = len(domain["capabilities"])
        cats = [
            Category(
                str(n),
                str(_("%(n)s of %(total)s capabilities in place") % {"n": n, "total": total}),
                COVERAGE_COLOURS[round(n * (len(COVERAGE_COLOURS) - 1) / max(total, 1))],
            )
            for n in range(total + 1)
        ]
        cats.append(
            Category(
                NO_INFORMATION,
                str(_("No public information")),
                NO_INFORMATION_COLOUR,
                True,
            )
        )
        result.append(
            Layer(
                key=f"mnr-{domain['key']}",
                label=str(_("MNR: %(domain)s") % {"domain": domain["name"]}),
                categories=tuple(cats),
                domain=domain,
            )
        )
    result.append(
        Layer(
            key="reporting",
            label=str(_("Progress reports: on time or overdue")),
            categories=tuple(
                Category(k, str(label), c, k == accountability.NOT_PLEDGED)
                for k, label, c in REPORTING_BANDS
            ),
            schedule=report_schedule(data),
        )
    )
    result.append(
        Layer(
            key="partners",
            label=str(_("Partners present")),
            categories=tuple(Category(k, str(label), c) for k, label, c in PARTNER_BANDS),
        )
    )
    return result


def layer_get(data: dict, key: str) -> Layer:
    for layer in layers(data):
        if layer.key == key:
            return layer
    return layers(data)[0]


def report_schedule(data: dict) -> tuple[int, int]:
    campaign = data.get("campaign") or {}
    return campaign.get("report_first_months", 12), campaign.get("report_interval_months", 12)


def state_reporting(
    state: dict, schedule: tuple[int, int], *, today: dt.date | None = None
) -> accountability.ReportingStatus:
    """A state's progress reports against the schedule, from its verified changes."""
    since = accountability.pledged_on(
        [(dt.date.fromisoformat(e["date"]), e["to"]) for e in state["events"]],
        pledged=PLEDGED_OR_BEYOND,
    )
    if (
        since is None
        and state["pledge"]["status"] in PLEDGED_OR_BEYOND
        and state["pledge"]["since"]
    ):
        since = dt.date.fromisoformat(state["pledge"]["since"])
    return accountability.reporting_status(
        pledged_on=since,
        reports=len(state.get("reports", [])),
        today=today or timezone.localdate(),
        first_months=schedule[0],
        interval_months=schedule[1],
    )


def partner_band(count: int) -> str:
    if count == 0:
        return "0"
    if count == 1:
        return "1"
    return "2-3" if count <= 3 else "4+"


def state_category(state: dict, layer: Layer, *, day: dt.date | None = None) -> tuple[str, str]:
    """(category key, detail for the hover: a date or a short note) of a state on a layer."""
    if layer.key == "pledge":
        status, since = pledge_status_on(state, day)
        return status, (str(_("since %(date)s") % {"date": since}) if since else "")
    if layer.key == "strategy":
        strategy = state["strategy"]
        if not strategy:
            return NO_INFORMATION, ""
        detail = str(_("verified %(date)s") % {"date": strategy["verified"]})
        return strategy["status"], detail
    if layer.domain is not None:
        coverage = state["coverage"][layer.domain["key"]]
        if not coverage["known"]:
            return NO_INFORMATION, ""
        verified = [
            d["verified"]
            for k, d in state["capability_details"].items()
            if k in {c["key"] for c in layer.domain["capabilities"]}
        ]
        detail = str(_("last verified %(date)s") % {"date": max(verified)}) if verified else ""
        return str(coverage["in_place"]), detail
    if layer.key == "reporting":
        reporting = state_reporting(state, layer.schedule or (12, 12))
        if reporting.overdue:
            return reporting.status, str(_("due %(date)s") % {"date": reporting.next_due})
        if reporting.next_due:
            return reporting.status, str(_("next due %(date)s") % {"date": reporting.next_due})
        return reporting.status, ""
    return partner_band(len(state["partners"])), ""


# --- The table of states ---------------------------------------------------------------------

SORT_KEYS = ("name", "region", "status", "since", "strategy")


@dataclass
class TableQuery:
    """What the visitor asked of the table: all from query parameters, so no JS is needed."""

    layer: str = "pledge"
    region: str = ""
    status: str = ""
    q: str = ""
    sort: str = "name"
    descending: bool = False
    at: dt.date | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params, *, today: dt.date) -> TableQuery:
        query = cls()
        query.layer = params.get("layer", "pledge")[:40]
        region = params.get("region", "")
        query.region = region if region in REGIONS else ""
        status = params.get("status", "")
        query.status = status if status in STATUS_ORDER else ""
        query.q = params.get("q", "").strip()[:80]
        sort = params.get("sort", "name")
        query.sort = sort if sort in SORT_KEYS else "name"
        query.descending = params.get("dir") == "desc"
        at = params.get("at", "")
        if at:
            try:
                day = dt.date.fromisoformat(at)
            except ValueError:
                query.errors.append(str(_("The date must look like 2026-12-31.")))
            else:
                query.at = None if day >= today else day
        return query

    @property
    def region_label(self) -> str:
        return str(region_label(self.region)) if self.region else ""

    def params(self, **overrides) -> dict[str, str]:
        values = {
            "layer": self.layer if self.layer != "pledge" else "",
            "region": self.region,
            "status": self.status,
            "q": self.q,
            "sort": self.sort if self.sort != "name" else "",
            "dir": "desc" if self.descending else "",
            "at": self.at.isoformat() if self.at else "",
        }
        values.update({k: v for k, v in overrides.items()})
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class StateRow:
    iso3: str
    name: str
    region: str
    region_label: str
    un_status: str
    status: str
    status_label: str
    since: str
    strategy: str
    strategy_label: str
    coverage: tuple[tuple[str, str], ...]  # (domain key, "n/m" or "") per domain, shown
    partners: int
    is_demo: bool
    # (domain key, capabilities in place, capabilities with public information) per domain;
    # None, None when nothing is known. Downloads write the two numbers in two columns: a
    # "1/3" cell is a date to Excel (issue 12).
    coverage_counts: tuple[tuple[str, int | None, int | None], ...] = ()
    # The row's place among the table's rows in the page language's collation: the map's
    # slider re-sorts the rows in the browser with it as the tie-break, so the browser never
    # compares names differently from the server (issue 12).
    name_rank: int = 0

    def as_export(self) -> dict:
        return {
            "iso3": self.iso3,
            "state": self.name,
            "region": self.region,
            "un_status": self.un_status,
            "pledge_status": self.status,
            "pledge_status_label": self.status_label,
            "since": self.since,
            "national_strategy": self.strategy,
            **{
                column: value
                for key, in_place, of in self.coverage_counts
                for column, value in (
                    (f"mnr_{key}_in_place_count", in_place),
                    (f"mnr_{key}_of", of),
                )
            },
            "partners_present": self.partners,
            "demo_data": self.is_demo,
        }


def _coverage_counts(state: dict, domains: list[dict]) -> tuple:
    counts = []
    for domain in domains:
        cov = state["coverage"][domain["key"]]
        if cov["known"]:
            counts.append((domain["key"], cov["in_place"], cov["of"]))
        else:
            counts.append((domain["key"], None, None))
    return tuple(counts)


STATES_DOWNLOAD_FIELDS = (
    ("iso3", _("ISO 3166-1 alpha-3 code of the state.")),
    ("state", _("Short English name.")),
    ("region", _("UN M49 region.")),
    ("un_status", _("'member' (UN Member State) or 'observer'.")),
    ("pledge_status", _("Verified pledge status on the date shown; no_information if none.")),
    ("pledge_status_label", _("The same status in words.")),
    ("since", _("Date of the status change that led to it (YYYY-MM-DD).")),
    ("national_strategy", _("Status of the current national strategy.")),
    (
        "mnr_<domain>_in_place_count",
        _(
            "Per MNR domain: how many of its capabilities are in place, by public evidence; "
            "empty when nothing is known. Not a score."
        ),
    ),
    (
        "mnr_<domain>_of",
        _("Per MNR domain: of how many capabilities with public information (the count's base)."),
    ),
    ("partners_present", _("Number of published partners working in the state.")),
    ("demo_data", _("True when the row shows invented demo data.")),
)


def _coverage_cells(state: dict, domains: list[dict]) -> tuple[tuple[str, str], ...]:
    cells = []
    for domain in domains:
        cov = state["coverage"][domain["key"]]
        cells.append((domain["key"], f"{cov['in_place']}/{cov['of']}" if cov["known"] else ""))
    return tuple(cells)


def _row_is_demo(state: dict, day: dt.date | None) -> bool:
    """Whether a row shows demo data: its pledge or events (up to the day shown), its
    strategy, or any capability status. Before, a row on a past date (?at=) was never demo,
    and invented MNR data (a state with no pledge) was not flagged."""
    if day is None:
        pledge_demo = bool(state["pledge"].get("demo"))
    else:
        pledge_demo = any(e.get("demo") for e in state["events"] if e["date"] <= day.isoformat())
    strategy = state.get("strategy") or {}
    return (
        pledge_demo
        or bool(strategy.get("demo"))
        or any(d.get("demo") for d in state.get("capability_details", {}).values())
    )


def state_rows(data: dict, query: TableQuery) -> list[StateRow]:
    """The rows of the table: filtered and sorted as the query asks."""
    rows = []
    # Names and aliases, exact first ("UK" is not Ukraine): the import's resolver
    found = search_matches(
        (
            (s["iso3"], s.get("search_keys") or [name_key(s["name"]), name_key(s["iso3"])])
            for s in data["states"]
        ),
        query.q,
    )
    for state in data["states"]:
        if query.region and state["region"] != query.region:
            continue
        if found is not None and state["iso3"] not in found:
            continue
        status, since = pledge_status_on(state, query.at)
        if query.status and status != query.status:
            continue
        strategy = state["strategy"]["status"] if state["strategy"] else NO_INFORMATION
        rows.append(
            StateRow(
                iso3=state["iso3"],
                name=state["name"],
                region=state["region"],
                region_label=region_label(state["region"]),
                un_status=state["un_status"],
                status=status,
                status_label=str(PLEDGE_LABELS.get(status, status)),
                since=since or "",
                strategy=strategy,
                strategy_label=str(STRATEGY_LABELS.get(strategy, strategy)),
                coverage=_coverage_cells(state, data["domains"]),
                coverage_counts=_coverage_counts(state, data["domains"]),
                partners=len(state["partners"]),
                is_demo=_row_is_demo(state, query.at),
            )
        )
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    strategy_order = {s: i for i, s in enumerate(STRATEGY_ORDER)}
    # Names sort by the page language's collation (ICU: "Égypte" beside "Espagne" in French,
    # Russian by the Cyrillic alphabet, Chinese by pinyin, Arabic by the Arabic alphabet).
    language = get_language()
    names = {r.iso3: collation_key(r.name, language) for r in rows}
    rows = [
        replace(r, name_rank=rank)
        for rank, r in enumerate(sorted(rows, key=lambda r: names[r.iso3]))
    ]
    keys = {
        "name": lambda r: names[r.iso3],
        "region": lambda r: (r.region, names[r.iso3]),
        "status": lambda r: (order.get(r.status, 99), names[r.iso3]),
        "since": lambda r: (r.since or "0000", names[r.iso3]),
        "strategy": lambda r: (strategy_order.get(r.strategy, 99), names[r.iso3]),
    }
    rows.sort(key=keys[query.sort], reverse=query.descending)
    return rows


# --- Summary and progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    pledged_members: int
    member_count: int
    observer_pledged: int
    target: int
    campaign_name: str
    launch_date: dt.date | None
    launch_event: str


def summary(data: dict, *, day: dt.date | None = None) -> Summary:
    members = [s for s in data["states"] if s["un_status"] == MEMBER]
    observers = [s for s in data["states"] if s["un_status"] != MEMBER]
    campaign = data.get("campaign") or {}
    return Summary(
        pledged_members=sum(1 for s in members if pledge_status_on(s, day)[0] in PLEDGED_OR_BEYOND),
        member_count=len(members),
        observer_pledged=sum(
            1 for s in observers if pledge_status_on(s, day)[0] in PLEDGED_OR_BEYOND
        ),
        target=campaign.get("target_states", 0),
        campaign_name=campaign.get("name", ""),
        launch_date=dt.date.fromisoformat(campaign["launch_date"]) if campaign else None,
        launch_event=campaign.get("launch_event", ""),
    )


@dataclass(frozen=True)
class LaunchPanel:
    """The home page's launch box: before the launch a countdown, after it the Member States
    pledged since; the next milestone either way. Computed for `today`, so testable."""

    launch_date: dt.date | None
    days_to_launch: int | None  # None once the launch day has come
    launched: bool
    pledged_since_launch: int | None  # Member States pledged on or after the launch date
    next_milestone: dict | None  # {"name", "date" (a date), "kind", "days"}


def launch_panel(data: dict, *, today: dt.date) -> LaunchPanel:
    campaign = data.get("campaign") or {}
    launch = dt.date.fromisoformat(campaign["launch_date"]) if campaign.get("launch_date") else None
    upcoming = sorted(
        (m for m in campaign.get("milestones", []) if m["date"] >= today.isoformat()),
        key=lambda m: (m["date"], m["name"]),
    )
    next_milestone = None
    if upcoming:
        day = dt.date.fromisoformat(upcoming[0]["date"])
        next_milestone = {**upcoming[0], "date": day, "days": (day - today).days}
    if launch is None:
        return LaunchPanel(None, None, False, None, next_milestone)
    if today < launch:
        return LaunchPanel(launch, (launch - today).days, False, None, next_milestone)
    eve = launch - dt.timedelta(days=1)
    since = sum(
        1
        for s in data["states"]
        if s["un_status"] == MEMBER
        and pledge_status_on(s, None)[0] in PLEDGED_OR_BEYOND
        and pledge_status_on(s, eve)[0] not in PLEDGED_OR_BEYOND
    )
    return LaunchPanel(launch, None, True, since, next_milestone)


def status_counts(data: dict) -> list[tuple[str, str, int]]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for state in data["states"]:
        counts[state["pledge"]["status"]] = counts.get(state["pledge"]["status"], 0) + 1
    return [(s, str(PLEDGE_LABELS[s]), counts[s]) for s in STATUS_ORDER]


def funnel(data: dict) -> list[tuple[str, str, int]]:
    """States now at or beyond each step of the ladder (declined/withdrawn are not)."""
    rank = {s: i for i, s in enumerate(LADDER)}
    result = []
    for i, step in enumerate(LADDER):
        count = sum(1 for s in data["states"] if rank.get(s["pledge"]["status"], -1) >= i)
        result.append((step, str(PLEDGE_LABELS[step]), count))
    return result


def pledges_over_time(data: dict, *, today: dt.date) -> list[tuple[dt.date, int]]:
    """Member States at or beyond "pledged" at each month's end (from verified events)."""
    members = [s for s in data["states"] if s["un_status"] == MEMBER]
    return [
        (day, sum(1 for s in members if pledge_status_on(s, day)[0] in PLEDGED_OR_BEYOND))
        for day in month_ends(data, today=today)
    ]


def by_region(data: dict) -> list[tuple[str, str, int, int]]:
    """(region, label, Member States pledged, Member States) per M49 region."""
    result = []
    for region in REGIONS:
        members = [s for s in data["states"] if s["region"] == region and s["un_status"] == MEMBER]
        pledged = sum(1 for s in members if s["pledge"]["status"] in PLEDGED_OR_BEYOND)
        result.append((region, region_label(region), pledged, len(members)))
    return result


def latest_changes(data: dict, *, limit: int = 8) -> list[dict]:
    """The most recently verified changes of pledge status."""
    changes = [
        {
            "iso3": s["iso3"],
            "name": s["name"],
            "date": e["date"],
            "from_label": str(PLEDGE_LABELS.get(e["from"] or NO_INFORMATION)),
            "to": e["to"],
            "to_label": str(PLEDGE_LABELS.get(e["to"], e["to"])),
            "demo": e.get("demo", False),
            "verified_at": e.get("verified_at") or e.get("verified") or "",
        }
        for s in data["states"]
        for e in s["events"]
    ]
    # Newest verification first, not newest event date: a change dated in May and verified
    # today is news today (issue 12). Ties: the later event, then the name.
    changes.sort(key=lambda c: (c["verified_at"], c["date"], c["name"]), reverse=True)
    return changes[:limit]


# --- States in the page's language -----------------------------------------------------------

_localised: dict[tuple, tuple[dict, dict]] = {}
_localised_lock = threading.Lock()


def state_name(state: dict, language: str | None = None) -> str:
    """A state's name in a language: its UN name there; in English, its short name."""
    code = name_code(language or get_language())
    if code == "en":
        return state["name"]
    return (state.get("names") or {}).get(code) or state["name"]


def _in_language(record: dict, field: str, plural: str, code: str) -> str:
    # A snapshot written before the MNR had its six languages holds English only.
    return (record.get(plural) or {}).get(code) or record[field]


def domain_localised(domain: dict, language: str | None = None) -> dict:
    """An MNR domain with its name, and its capabilities' names and descriptions, in a
    language (the project's own translations; English where one is missing)."""
    code = name_code(language or get_language())
    if code == "en":
        return domain
    return {
        **domain,
        "name": _in_language(domain, "name", "names", code),
        "capabilities": [
            {
                **c,
                "name": _in_language(c, "name", "names", code),
                "description": _in_language(c, "description", "descriptions", code),
            }
            for c in domain["capabilities"]
        ],
    }


def data_localised(data: dict, key: str) -> dict:
    """The snapshot's data with each state's "name", and the MNR's domain and capability
    names and descriptions, in the active language (issue 14).

    Every public page, chart, hover text and the server-drawn map read `state["name"]` and
    `domain["name"]`, so this one step puts them all in the page's language. Kept per
    snapshot version (`key`, its ETag) and language: a page costs no copying once warm.
    English is the data itself.
    """
    language = name_code(get_language())
    if language == "en":
        return data
    memo_key = (key, language)
    with _localised_lock:
        source, found = _localised.get(memo_key, (None, None))
    if found is not None and source is data:
        return found
    localised = {
        **data,
        "states": [{**s, "name": state_name(s, language)} for s in data["states"]],
        "domains": [domain_localised(d, language) for d in data["domains"]],
    }
    with _localised_lock:
        if len(_localised) > 32:
            _localised.clear()
        _localised[memo_key] = (data, localised)
    return localised


# --- A country page ------------------------------------------------------------------------------


def state_get(data: dict, iso3: str) -> dict | None:
    iso3 = iso3.upper()
    return next((s for s in data["states"] if s["iso3"] == iso3), None)


def country_profile(data: dict, state: dict) -> dict:
    """Everything the country page shows, labelled; no score, no rank."""
    partners = {p["slug"]: p for p in data["partners"]}
    domains = []
    for domain in data["domains"]:
        caps = []
        for cap in domain["capabilities"]:
            # The snapshot holds verified statuses only: the rest is the records' default.
            detail = state["capability_details"].get(cap["key"])
            status = detail["status"] if detail else NO_PUBLIC_INFORMATION
            caps.append(
                {
                    **cap,
                    "status": status,
                    "status_label": str(CAPABILITY_LABELS.get(status, status)),
                    "detail": detail,
                }
            )
        cov = state["coverage"][domain["key"]]
        domains.append({**domain, "capabilities": caps, "coverage": cov})
    events = [
        {
            **e,
            "from_label": str(PLEDGE_LABELS.get(e["from"] or NO_INFORMATION)),
            "to_label": str(PLEDGE_LABELS.get(e["to"], e["to"])),
        }
        for e in reversed(state["events"])  # newest first
    ]
    strategy = state["strategy"]
    reporting = state_reporting(state, report_schedule(data))
    return {
        "state": state,
        "region_label": region_label(state["region"]),
        "status": state["pledge"]["status"],
        "status_label": str(PLEDGE_LABELS.get(state["pledge"]["status"])),
        "events": events,
        "strategy": strategy,
        "strategy_label": str(STRATEGY_LABELS[strategy["status"]]) if strategy else "",
        "domains": domains,
        "partners": [
            {
                **partners[slug],
                "type_label": str(PARTNER_TYPE_LABELS.get(partners[slug]["type"])),
                # Where partners work is invented by the demo data set (campaign/demo.py)
                "demo": bool(data.get("demo_data")),
            }
            for slug in state["partners"]
            if slug in partners
        ],
        "partners_demo": bool(data.get("demo_data")) and bool(state["partners"]),
        "reporting": reporting,
        "reporting_label": str(REPORTING_LABELS[reporting.status]),
        "reports": list(reversed(state.get("reports", []))),  # newest first
        "report_schedule": report_schedule(data),
    }


# --- Compare states (issue 12, item 4) -----------------------------------------------------------

COMPARE_MAX = 5


@dataclass
class Comparison:
    """Up to five states side by side, in the order asked for: their pledge status at each
    date one of them changed, and the 21 capabilities. Never a score, a total or a rank."""

    states: list[dict]
    errors: list[str]
    timeline: list[dict]  # {"date", "cells": [{"status", "label", "changed"}]}
    today: list[dict]  # [{"status", "label", "demo"}], one per state
    domains: list[dict]  # {**domain, "rows": [{**capability, "cells": [...]}]}


def comparison(data: dict, codes: list[str]) -> Comparison:
    """The comparison of the states with these ISO3 codes (unknown and repeated codes are
    reported in `errors`, more than five refused there too)."""
    errors: list[str] = []
    states: list[dict] = []
    for code in (c.strip().upper() for c in codes if c.strip()):
        state = state_get(data, code)
        if state is None:
            errors.append(
                str(_("No UN Member or observer State has the code “%(code)s”.") % {"code": code})
            )
        elif any(s["iso3"] == state["iso3"] for s in states):
            continue  # asked for twice
        elif len(states) == COMPARE_MAX:
            errors.append(
                str(_("Compare up to %(n)s states at a time: %(state)s was left out."))
                % {"n": COMPARE_MAX, "state": state["name"]}
            )
        else:
            states.append(state)
    dates = sorted({e["date"] for s in states for e in s["events"]})
    timeline = []
    for date in dates:
        cells = []
        for state in states:
            status, since = pledge_status_on(state, dt.date.fromisoformat(date))
            cells.append(
                {
                    "status": status,
                    "label": str(PLEDGE_LABELS.get(status, status)),
                    "changed": since == date,
                }
            )
        timeline.append({"date": date, "cells": cells})
    domains = []
    for domain in data["domains"]:
        rows = []
        for cap in domain["capabilities"]:
            cells = []
            for state in states:
                detail = state["capability_details"].get(cap["key"])
                status = detail["status"] if detail else NO_PUBLIC_INFORMATION
                cells.append(
                    {"status": status, "label": str(CAPABILITY_LABELS.get(status, status))}
                )
            rows.append({**cap, "cells": cells})
        domains.append({**domain, "rows": rows})
    today = [
        {
            "status": s["pledge"]["status"],
            "label": str(PLEDGE_LABELS.get(s["pledge"]["status"])),
            "demo": s["pledge"].get("demo", False),
        }
        for s in states
    ]
    return Comparison(states=states, errors=errors, timeline=timeline, today=today, domains=domains)
