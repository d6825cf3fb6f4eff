"""The public partner directory, a page per partner and its embeddable card (issue 11, item 3).

Read from the public snapshot only, like every public page: it holds the published
(verified) partners and nothing else, so a draft partner or a draft revision of one cannot
reach these pages, and a warm request makes no database query.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from campaign.selectors import EndorsementStatus, PartnerType
from dashboards import public
from dashboards.pagecache import public_page
from dashboards.snapshot import snapshot_current
from pledges.names import name_key
from pledges.selectors import collation_key

PARTNERS_PER_PAGE = 20
PARTNER_TYPE_LABELS = dict(PartnerType.choices)
ENDORSEMENT_LABELS = dict(EndorsementStatus.choices)
DEMO_LINKS_NOTE = gettext_lazy(
    "Demo data: where partners work is invented for the demonstration; the partners "
    "themselves are real organisations."
)


@dataclass
class PartnerQuery:
    """What the visitor asked of the directory, from query parameters (works without JS)."""

    type: str = ""
    outcome: str = ""
    country: str = ""
    capability: str = ""
    q: str = ""
    page: str = "1"

    @classmethod
    def from_params(cls, params, data: dict) -> PartnerQuery:
        # An unknown value is no filter (as the map's table does), never an error page.
        query = cls()
        kind = params.get("type", "")
        query.type = kind if kind in PARTNER_TYPE_LABELS else ""
        outcome = params.get("outcome", "")
        query.outcome = outcome if outcome in {str(o["number"]) for o in _outcomes(data)} else ""
        country = params.get("country", "").upper()
        query.country = country if country in {s["iso3"] for s in data["states"]} else ""
        capability = params.get("capability", "")
        keys = {c["key"] for d in data["domains"] for c in d["capabilities"]}
        query.capability = capability if capability in keys else ""
        query.q = params.get("q", "").strip()[:80]
        query.page = params.get("page", "1")[:6]
        return query

    @property
    def filtered(self) -> bool:
        return bool(self.type or self.outcome or self.country or self.capability or self.q)

    def params(self, **overrides) -> dict[str, str]:
        values = {
            "type": self.type,
            "outcome": self.outcome,
            "country": self.country,
            "capability": self.capability,
            "q": self.q,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v}


def _outcomes(data: dict) -> list[dict]:
    return data.get("outcomes") or []


def partner_matches(partner: dict, query: PartnerQuery) -> bool:
    if query.type and partner["type"] != query.type:
        return False
    if query.outcome and int(query.outcome) not in partner.get("outcomes", []):
        return False
    if query.country and query.country not in partner.get("countries", []):
        return False
    if query.capability and query.capability not in partner.get("capabilities", []):
        return False
    if query.q:
        # Every word of the search, in any order, in the name or the description.
        haystack = name_key(f"{partner['name']} {partner.get('description', '')}")
        if not all(word in haystack for word in name_key(query.q).split()):
            return False
    return True


def partners_filtered(data: dict, query: PartnerQuery) -> list[dict]:
    """The published partners matching every filter, by name (the snapshot's order)."""
    return [p for p in data["partners"] if partner_matches(p, query)]


def type_counts(data: dict, query: PartnerQuery) -> list[tuple[str, str, int]]:
    """(type, label, partners of that type matching the other filters), for the type menu."""
    others = PartnerQuery(**{**query.__dict__, "type": ""})
    matching = partners_filtered(data, others)
    return [
        (key, str(label), sum(1 for p in matching if p["type"] == key))
        for key, label in PartnerType.choices
    ]


def partner_view(data: dict, partner: dict) -> dict:
    """A partner labelled for a template: type, endorsement, outcomes, capabilities, states."""
    outcomes = {o["number"]: o["title"] for o in _outcomes(data)}
    capabilities = {
        c["key"]: (c["number"], c["name"], d["name"])
        for d in data["domains"]
        for c in d["capabilities"]
    }
    states = {s["iso3"]: s["name"] for s in data["states"]}
    countries = [
        {"iso3": iso3, "name": states[iso3]}
        for iso3 in partner.get("countries", [])
        if iso3 in states
    ]
    countries.sort(key=lambda c: name_key(c["name"]))
    return {
        **partner,
        "type_label": str(PARTNER_TYPE_LABELS.get(partner["type"], partner["type"])),
        "endorsement_label": str(
            ENDORSEMENT_LABELS.get(partner.get("endorsement", ""), _("Not recorded"))
        ),
        "is_industry": partner["type"] == PartnerType.INDUSTRY,
        "outcome_list": [(n, outcomes[n]) for n in partner.get("outcomes", []) if n in outcomes],
        "capability_list": [
            {
                "key": k,
                "number": capabilities[k][0],
                "name": capabilities[k][1],
                "domain": capabilities[k][2],
            }
            for k in sorted(
                partner.get("capabilities", []), key=lambda k: capabilities.get(k, (0,))[0]
            )
            if k in capabilities
        ],
        "country_list": countries,
        # Where partners work is invented by the demo data set (campaign/demo.py).
        "links_demo": bool(data.get("demo_data")) and bool(countries),
    }


def partner_get(data: dict, slug: str) -> dict | None:
    return next((p for p in data["partners"] if p["slug"] == slug), None)


def _common(snapshot) -> dict:
    # The states named in the page's language (issue 14).
    data = public.data_localised(snapshot.data, snapshot.etag)
    return {
        "snapshot": snapshot,
        "data": data,
        "as_of": snapshot.as_of,
        "from_last_good_copy": snapshot.from_last_good_copy,
        "demo_data_present": data.get("demo_data", False),
        "demo_links_note": DEMO_LINKS_NOTE,
    }


@require_safe
@public_page
def partner_directory(request):
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    query = PartnerQuery.from_params(request.GET, data)
    matching = partners_filtered(data, query)
    page = Paginator(matching, PARTNERS_PER_PAGE).get_page(query.page)
    context.update(
        query=query,
        page=page,
        partners=[partner_view(data, p) for p in page.object_list],
        total=len(data["partners"]),
        matching=len(matching),
        types=type_counts(data, query),
        outcomes=[(str(o["number"]), o["title"]) for o in _outcomes(data)],
        countries=sorted(
            ((s["iso3"], s["name"]) for s in data["states"]),
            key=lambda c: collation_key(c[1], get_language()),
        ),
        domains=data["domains"],
        page_qs=urlencode(query.params()),
        any_links_demo=bool(data.get("demo_data"))
        and any(p.get("countries") for p in page.object_list),
    )
    return render(request, "dashboards/partners.html", context)


@require_safe
@public_page
def partner_page(request, slug: str):
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    partner = partner_get(data, slug)
    if partner is None:
        raise Http404(_("No published partner has this name."))
    embed_url = settings.SITE_URL + reverse("dashboards:embed_partner", args=[slug])
    context.update(partner=partner_view(data, partner), embed_url=embed_url)
    return render(request, "dashboards/partner.html", context)


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_page
def embed_partner(request, slug: str):
    """A partner's card alone: like the map's embed, other sites may frame it."""
    snapshot = snapshot_current()
    context = _common(snapshot)
    data = context["data"]
    partner = partner_get(data, slug)
    if partner is None:
        raise Http404(_("No published partner has this name."))
    context.update(partner=partner_view(data, partner), site_url=settings.SITE_URL)
    return render(request, "dashboards/embed_partner.html", context)
