"""Reads from the registry. Public reads go through `.public()` / `.current()` only."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from pledges import accountability
from pledges.history import history_changes
from pledges.languages import (  # noqa: F401 - for the faces (issue 14)
    NAME_CODES,
    collation_key,
    countries_collated,
    country_name,
    name_code,
)
from pledges.models import (
    LADDER,
    NO_INFORMATION,
    NO_INFORMATION_LABEL,
    PLEDGED_OR_BEYOND,
    Capability,
    CapabilityStatus,
    CapabilityStatusChoice,
    Country,
    DemoDataSet,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeEvent,
    PledgeStatus,
    PledgeText,
    ProgressReport,
    StrategyStatus,
    UNStatus,
)
from pledges.services import DEMO_CACHE_KEY, pledge_text_current
from pledges.storage import (
    evidence_content_type,
    evidence_download_name,
    evidence_name_is_valid,
    evidence_storage,
)

__all__ = [
    "LADDER",
    "NO_INFORMATION",
    "NO_INFORMATION_LABEL",
    "PLEDGED_OR_BEYOND",
    "CapabilityStatusChoice",
    "CountryStatusRow",
    "PledgeStatus",
    "StrategyStatus",
    "UNStatus",
    "accountability",
    "capability_list",
    "country_get",
    "country_status_rows",
    "demo_data_present",
    "domain_list",
    "pledge_text_current",
    "pledged_member_count",
]


def demo_data_present() -> bool:
    """Whether the invented demo data set is loaded (cached: every page asks)."""
    present = cache.get(DEMO_CACHE_KEY)
    if present is None:
        present = DemoDataSet.objects.exists()
        cache.set(DEMO_CACHE_KEY, present, 300)
    return present


def country_get(*, iso3: str) -> Country:
    return Country.objects.get(iso3=iso3.upper())


def domain_list():
    return MNRDomain.objects.prefetch_related("capabilities").order_by("number")


def capability_list():
    return Capability.objects.select_related("domain").order_by("number")


@dataclass(frozen=True)
class CountryStatusRow:
    iso3: str
    name: str
    region: str
    sub_region: str
    un_status: str
    status: str  # a PledgeStatus value or NO_INFORMATION
    status_label: str
    status_date: str  # ISO date or ""
    is_demo: bool


def country_status_rows(
    *, pledge_text: PledgeText | None = None, language: str | None = None
) -> list[CountryStatusRow]:
    """Every state with its verified pledge status; two queries whatever the data size.

    With a `language`, each row's name is the state's name in it and the rows are in its
    collation order (the staff workspace); without, the English short names, in that order.
    """
    pledge_text = pledge_text or pledge_text_current()
    pledges = {}
    if pledge_text is not None:
        pledges = {
            p.country_id: p
            for p in Pledge.objects.public()
            .filter(pledge_text=pledge_text)
            .only("country_id", "status", "status_date", "is_demo")
        }
    rows = []
    labels = dict(PledgeStatus.choices)
    names = [f"name_{name_code(language)}"] if language is not None else []
    countries = Country.objects.order_by("short_name").only(
        "iso3", "short_name", "region", "sub_region", "un_status", *names
    )
    if language is not None:
        countries = countries_collated(countries, language)
    for country in countries:
        pledge = pledges.get(country.iso3)
        status = pledge.status if pledge else NO_INFORMATION
        rows.append(
            CountryStatusRow(
                iso3=country.iso3,
                name=country.short_name if language is None else country_name(country, language),
                region=country.region,
                sub_region=country.sub_region,
                un_status=country.un_status,
                status=status,
                status_label=str(labels.get(status, "")) if pledge else "",
                status_date=pledge.status_date.isoformat() if pledge else "",
                is_demo=bool(pledge and pledge.is_demo),
            )
        )
    return rows


def pledged_member_count(rows: list[CountryStatusRow]) -> int:
    """Member States at or beyond "pledged" on the ladder (observers are counted apart)."""
    return sum(1 for r in rows if r.status in PLEDGED_OR_BEYOND and r.un_status == UNStatus.MEMBER)


def current_capability_statuses(*, country: Country):
    return CapabilityStatus.objects.current().filter(country=country).select_related("capability")


def current_strategy(*, country: Country) -> NationalStrategy | None:
    return NationalStrategy.objects.current().filter(country=country).first()


# --- The public changelog of a country ------------------------------------------------------


@dataclass(frozen=True)
class ChangelogEntry:
    """A verified change with its source; never a staff identity (public)."""

    date: object  # dt.date
    kind: str  # "pledge" | "capability" | "strategy"
    subject: str
    before: str
    after: str
    note: str
    source_url: str
    source_document_url: str
    source_title: str
    source_publisher: str
    source_date: object
    verified_at: object
    is_demo: bool


def _document_url(record) -> str:
    return record.source_document.url if record.source_document else ""


def country_public_changelog(*, country: Country) -> list[ChangelogEntry]:
    """Verified pledge, capability and strategy changes of a state, newest first (3 queries)."""
    pledge_labels = dict(PledgeStatus.choices)
    entries = [
        ChangelogEntry(
            date=event.event_date,
            kind="pledge",
            subject=str(PledgeEvent._meta.verbose_name),
            before=str(pledge_labels.get(event.from_status, NO_INFORMATION_LABEL)),
            after=str(pledge_labels[event.to_status]),
            note=event.note,
            source_url=event.source_url,
            source_document_url=_document_url(event),
            source_title=event.source_title,
            source_publisher=event.source_publisher,
            source_date=event.source_date,
            verified_at=event.verified_at,
            is_demo=event.is_demo,
        )
        for event in PledgeEvent.objects.public().filter(pledge__country=country)
    ]
    for record in (
        CapabilityStatus.objects.public().filter(country=country).select_related("capability")
    ):
        entries.append(
            ChangelogEntry(
                date=record.source_date or record.verified_at.date(),
                kind="capability",
                subject=str(record.capability),
                before="",
                after=record.get_status_display(),
                note=record.note,
                source_url=record.source_url,
                source_document_url=_document_url(record),
                source_title=record.source_title,
                source_publisher=record.source_publisher,
                source_date=record.source_date,
                verified_at=record.verified_at,
                is_demo=record.is_demo,
            )
        )
    for record in NationalStrategy.objects.public().filter(country=country):
        entries.append(
            ChangelogEntry(
                date=record.source_date or record.verified_at.date(),
                kind="strategy",
                subject=str(NationalStrategy._meta.verbose_name),
                before="",
                after=f"{record.get_status_display()}"
                + (f" — {record.title}" if record.title else ""),
                note=record.note,
                source_url=record.source_url or record.link,
                source_document_url=_document_url(record),
                source_title=record.source_title,
                source_publisher=record.source_publisher,
                source_date=record.source_date,
                verified_at=record.verified_at,
                is_demo=record.is_demo,
            )
        )
    entries.sort(key=lambda e: (e.date, e.verified_at), reverse=True)
    return entries


# --- Staff workspace reads ------------------------------------------------------------------


@dataclass(frozen=True)
class CountryWorkspace:
    country: Country
    pledge: Pledge | None
    pledge_drafts: list
    capabilities: list  # [(capability, current status or None, [drafts])]
    strategy: NationalStrategy | None
    strategy_drafts: list


def country_workspace(*, country: Country) -> CountryWorkspace:
    """Everything staff see for one state: current verified values and open drafts."""
    from pledges.models import ReviewState

    open_states = [ReviewState.DRAFT, ReviewState.RETURNED]
    text = pledge_text_current()
    pledge = Pledge.objects.filter(country=country, pledge_text=text).first()
    pledge_drafts = list(
        PledgeEvent.objects.filter(pledge__country=country, review_state__in=open_states)
        .select_related("created_by")
        .order_by("created_at")
    )
    current = {c.capability_id: c for c in current_capability_statuses(country=country)}
    drafts: dict[int, list] = {}
    for record in (
        CapabilityStatus.objects.filter(country=country, review_state__in=open_states)
        .select_related("created_by")
        .order_by("created_at")
    ):
        drafts.setdefault(record.capability_id, []).append(record)
    capabilities = [
        (capability, current.get(capability.pk), drafts.get(capability.pk, []))
        for capability in capability_list()
    ]
    strategy_drafts = list(
        NationalStrategy.objects.filter(country=country, review_state__in=open_states)
        .select_related("created_by")
        .order_by("created_at")
    )
    return CountryWorkspace(
        country=country,
        pledge=pledge,
        pledge_drafts=pledge_drafts,
        capabilities=capabilities,
        strategy=current_strategy(country=country),
        strategy_drafts=strategy_drafts,
    )


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: str
    what: str  # the model's name
    subject: str
    action: str  # created / changed / deleted
    changes: list  # [pledges.history.FieldChange]
    why: str


_EVIDENCE_FIELDS = (
    "source_url",
    "source_document",
    "source_title",
    "source_publisher",
    "source_date",
)
_REVIEW_FIELDS = ("review_state", "review_comment")
_HISTORY_FIELDS = {
    "pledgeevent": [
        "from_status",
        "to_status",
        "event_date",
        *_EVIDENCE_FIELDS,
        "note",
        *_REVIEW_FIELDS,
    ],
    "pledge": ["status", "status_date", "signed_by_office", "public_note"],
    "capabilitystatus": ["status", *_EVIDENCE_FIELDS, "note", *_REVIEW_FIELDS, "is_current"],
    "nationalstrategy": [
        "status",
        "title",
        "year",
        "link",
        "references_mnr",
        *_EVIDENCE_FIELDS,
        "note",
        *_REVIEW_FIELDS,
        "is_current",
    ],
}


def country_history(*, country: Country) -> list[HistoryEntry]:
    """Every recorded change of a state's records, newest first: who, when, before → after, why.

    One query per audited model (four), whatever the number of changes.
    """
    sources = [
        (PledgeEvent, PledgeEvent.history.filter(pledge__country=country), lambda h: ""),
        (Pledge, Pledge.history.filter(country=country), lambda h: ""),
        (
            CapabilityStatus,
            CapabilityStatus.history.filter(country=country).select_related("capability"),
            lambda h: str(h.capability),
        ),
        (NationalStrategy, NationalStrategy.history.filter(country=country), lambda h: ""),
    ]
    actions = {"+": "created", "~": "changed", "-": "deleted"}
    entries = []
    for model, rows, subject in sources:
        fields = _HISTORY_FIELDS[model._meta.model_name]
        previous_by_id: dict = {}
        for row in rows.select_related("history_user").order_by("history_date", "history_id"):
            older = previous_by_id.get(row.id)
            changes = history_changes(model=model, newer=row, older=older, fields=fields)
            previous_by_id[row.id] = row
            user = row.history_user
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "",
                    what=str(model._meta.verbose_name),
                    subject=subject(row) or f"#{row.id}",
                    action=actions.get(row.history_type, row.history_type),
                    changes=changes,
                    why=row.history_change_reason or "",
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- Open data: API and downloads -----------------------------------------------------------
# Everything below returns verified public data only (`.public()` / `.current()`), with the
# related rows prefetched so that a caller makes a fixed number of queries per page.

# The five M49 regions (UN Statistics Division); every state belongs to exactly one.
M49_REGIONS: tuple[str, ...] = ("Africa", "Americas", "Asia", "Europe", "Oceania")


def countries_public(*, pledge_text_id: int | None) -> QuerySet[Country]:
    """All states with their verified pledge to one text, current strategy and capabilities.

    Four queries whatever the number of states: the states, then one prefetch each for the
    verified pledges, the current national strategies and the current capability statuses.
    Read them from `public_pledges`, `current_strategies` and `current_capability_statuses`.
    """
    return Country.objects.order_by("short_name", "iso3").prefetch_related(
        Prefetch(
            "pledges",
            queryset=Pledge.objects.public()
            .filter(pledge_text_id=pledge_text_id)
            .select_related("pledge_text"),
            to_attr="public_pledges",
        ),
        Prefetch(
            "strategies", queryset=NationalStrategy.objects.current(), to_attr="current_strategies"
        ),
        Prefetch(
            "capability_statuses",
            queryset=CapabilityStatus.objects.current()
            .select_related("capability")
            .order_by("capability__number"),
            to_attr="current_capability_statuses",
        ),
    )


def countries_with_pledge_status(
    queryset: QuerySet[Country], *, statuses: list[str], pledge_text_id: int | None
) -> QuerySet[Country]:
    """States whose verified status is one of `statuses` ("no_information" included)."""
    public = Pledge.objects.public().filter(pledge_text_id=pledge_text_id, country=OuterRef("pk"))
    condition = Q(Exists(public.filter(status__in=statuses)))
    if NO_INFORMATION in statuses:
        condition |= ~Q(Exists(public))
    return queryset.filter(condition)


def countries_with_status_since(
    queryset: QuerySet[Country],
    *,
    pledge_text_id: int | None,
    since_from=None,
    since_to=None,
) -> QuerySet[Country]:
    """States whose verified status dates from within [since_from, since_to]."""
    public = Pledge.objects.public().filter(pledge_text_id=pledge_text_id, country=OuterRef("pk"))
    if since_from is not None:
        public = public.filter(status_date__gte=since_from)
    if since_to is not None:
        public = public.filter(status_date__lte=since_to)
    return queryset.filter(Exists(public))


def countries_with_capability(
    queryset: QuerySet[Country], *, capability_key: str | None, status: str | None
) -> QuerySet[Country]:
    """States by current verified capability status.

    With a key alone: states with public information on that capability. With a status
    alone: states with at least one capability in that status. "no_public_information" also
    matches a capability with no record at all.
    """
    current = CapabilityStatus.objects.current().filter(country=OuterRef("pk"))
    if capability_key:
        current = current.filter(capability__key=capability_key)
    if status is None:
        return queryset.filter(
            Exists(current.exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION))
        )
    if status != CapabilityStatusChoice.NO_PUBLIC_INFORMATION:
        return queryset.filter(Exists(current.filter(status=status)))
    if capability_key:
        informed = current.exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION)
        return queryset.filter(~Exists(informed))
    # Some capability of the framework has no informed current status for this state.
    informed_for_capability = (
        CapabilityStatus.objects.current()
        .filter(country=OuterRef(OuterRef("pk")), capability=OuterRef("pk"))
        .exclude(status=CapabilityStatusChoice.NO_PUBLIC_INFORMATION)
    )
    return queryset.filter(Exists(Capability.objects.filter(~Exists(informed_for_capability))))


def countries_with_strategy_status(
    queryset: QuerySet[Country], *, status: str
) -> QuerySet[Country]:
    """States whose current verified national strategy has this status."""
    current = NationalStrategy.objects.current().filter(country=OuterRef("pk"), status=status)
    return queryset.filter(Exists(current))


def pledge_events_public() -> QuerySet[PledgeEvent]:
    """Every verified pledge status change with its source, newest first (one query)."""
    return (
        PledgeEvent.objects.public()
        .select_related("pledge__country", "pledge__pledge_text")
        .order_by("-event_date", "-verified_at", "-pk")
    )


def progress_reports_public(*, pledge_text_id: int | None) -> QuerySet[ProgressReport]:
    """Verified progress reports on pledges to the text, oldest first (one query)."""
    return (
        ProgressReport.objects.public()
        .filter(pledge__pledge_text_id=pledge_text_id)
        .select_related("pledge")
        .order_by("report_date", "verified_at", "pk")
    )


# --- Evidence documents ---------------------------------------------------------------------

EVIDENCE_MODELS = (PledgeEvent, CapabilityStatus, NationalStrategy, ProgressReport)


@dataclass(frozen=True)
class EvidenceDocument:
    """An evidence document that the asking user may open."""

    name: str  # in the evidence storage
    filename: str  # the uploaded file's own name, for the download
    content_type: str
    is_public: bool  # a verified record's: the same for everyone

    def open(self):
        """The file, from the evidence storage (FileNotFoundError if it is not there)."""
        return evidence_storage.open(self.name, "rb")


def _evidence_is_public(name: str) -> bool:
    return any(
        model.objects.public().filter(source_document=name).exists() for model in EVIDENCE_MODELS
    )


def _evidence_is_staff_visible(name: str, *, user) -> bool:
    for model in EVIDENCE_MODELS:
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        # Earlier versions of a record name their documents in its history.
        if (
            model._base_manager.filter(source_document=name).exists()
            or model.history.filter(source_document=name).exists()
        ):
            return True
    return False


def evidence_document_get(*, user, name: str) -> EvidenceDocument | None:
    """The document `name` if `user` may open it; None otherwise, whether it exists or not.

    Anyone may open a verified record's document. Staff who may view a kind of record
    (pledges.view_pledgeevent, ...) may open any of its documents, drafts and earlier
    versions included. Up to 4 queries for the public, 4 more for staff.
    """
    if not evidence_name_is_valid(name):
        return None
    if _evidence_is_public(name):
        is_public = True
    elif user.is_authenticated and _evidence_is_staff_visible(name, user=user):
        is_public = False
    else:
        return None
    return EvidenceDocument(
        name=name,
        filename=evidence_download_name(name),
        content_type=evidence_content_type(name),
        is_public=is_public,
    )


# --- The pledge text, public side -------------------------------------------------------------


def pledge_texts_public() -> list[PledgeText]:
    """Every published version of the pledge text, newest first (one query)."""
    return list(PledgeText.objects.public().order_by("-version"))


def pledge_text_public_get(*, version: int) -> PledgeText | None:
    """A published version with its clauses and their translations (three queries), or
    None when the version is missing or not published (the same answer: no leak)."""
    return (
        PledgeText.objects.public()
        .filter(version=version)
        .prefetch_related(
            Prefetch(
                "clauses",
                queryset=PledgeClause.objects.order_by("number").prefetch_related("translations"),
            )
        )
        .first()
    )


def pledge_texts_public_with_clauses() -> QuerySet[PledgeText]:
    """Every published version with its clauses and translations, oldest first (open data:
    three queries whatever the number of versions and clauses)."""
    return (
        PledgeText.objects.public()
        .order_by("version")
        .prefetch_related(
            Prefetch(
                "clauses",
                queryset=PledgeClause.objects.order_by("number").prefetch_related("translations"),
            )
        )
    )


def pledge_text_versions_diff(*, old: PledgeText, new: PledgeText):
    """What changed from `old` to `new`, clause by clause (pledges.diff), from the clauses
    already prefetched by pledge_text_public_get (no query)."""
    from pledges.diff import pledge_text_diff

    return pledge_text_diff(list(old.clauses.all()), list(new.clauses.all()))
