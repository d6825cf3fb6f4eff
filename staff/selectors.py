"""Staff workspace reads that span the domain apps: what a user may do here, the verification
queue, my drafts, the country list, the review page, partners.

The flags the templates ask (`abilities.verify`, `item.action_url`, `review.can_verify`) are
computed here and nowhere else. The rules behind them are the services' (pledges.services):
a flag only decides what a page offers; the service decides what happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaign.models import Campaign, Outcome, Partner
from campaign.services import campaign_pledged_members
from pledges import selectors as registry
from pledges.history import display_value
from pledges.models import (
    CapabilityStatus,
    Country,
    ImportJobAction,
    ImportJobState,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    PledgeStatus,
    ReviewState,
    Revision,
)
from pledges.names import NAME_FIELDS, country_keys, name_key, search_matches
from pledges.roles import IMPORT, INVITE, VERIFY
from pledges.services import review_contributor_ids, revision_changes, revision_open_for
from staff.review_kinds import REVIEW_KINDS, ReviewKind, record_fields

OPEN_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)

# Reading the registry in the workspace (countries, their drafts, authors and history).
REGISTRY_VIEW = (
    "pledges.view_country",
    "pledges.view_pledge",
    "pledges.view_pledgeevent",
    "pledges.view_capabilitystatus",
    "pledges.view_nationalstrategy",
)
ENGAGEMENT_VIEW = "campaign.view_engagement"
PARTNER_VIEW = "campaign.view_partner"

QUEUE_PAGE_SIZE = 25
LIST_PAGE_SIZE = 50


# --- What the user may do here -------------------------------------------------------------


@dataclass(frozen=True)
class StaffAbilities:
    """What the workspace offers a user: its menu, its buttons. No query beyond the
    permission cache (Django loads the user's and the groups' permissions once)."""

    has_role: bool
    view_registry: bool
    add_pledge_event: bool
    add_capability_status: bool
    add_national_strategy: bool
    verify: bool
    import_files: bool
    view_engagements: bool
    add_engagement: bool
    change_engagement: bool
    view_partners: bool
    change_partner: bool
    change_campaign: bool
    invite: bool
    admin_site: bool
    view_pledge_text: bool = False
    add_pledge_text: bool = False
    change_pledge_text: bool = False
    add_progress_report: bool = False
    view_progress_reports: bool = False
    view_drafting_sessions: bool = False
    add_drafting_session: bool = False
    all_drafting_sessions: bool = False


def staff_abilities(*, user) -> StaffAbilities:
    perms = user.get_all_permissions() if user.is_active else set()
    return StaffAbilities(
        # A role is a set of permissions (pledges.roles): a staff member without any has none.
        has_role=bool(perms),
        view_registry=all(p in perms for p in REGISTRY_VIEW),
        add_pledge_event="pledges.add_pledgeevent" in perms,
        add_capability_status="pledges.add_capabilitystatus" in perms,
        add_national_strategy="pledges.add_nationalstrategy" in perms,
        verify=VERIFY in perms,
        import_files=IMPORT in perms,
        view_engagements=ENGAGEMENT_VIEW in perms,
        add_engagement="campaign.add_engagement" in perms,
        change_engagement="campaign.change_engagement" in perms,
        view_partners=PARTNER_VIEW in perms,
        change_partner="campaign.change_partner" in perms,
        change_campaign="campaign.change_campaign" in perms,
        invite=INVITE in perms,
        admin_site=user.is_staff and bool(perms),
        view_pledge_text="pledges.view_pledgetext" in perms,
        add_pledge_text="pledges.add_pledgetext" in perms,
        change_pledge_text="pledges.change_pledgetext" in perms,
        add_progress_report="pledges.add_progressreport" in perms,
        view_progress_reports="pledges.view_progressreport" in perms,
        # Children's co-drafting (issue 10): a facilitator's own sessions; an admin's all.
        view_drafting_sessions="drafting.view_draftingsession" in perms,
        add_drafting_session="drafting.add_draftingsession" in perms,
        all_drafting_sessions="drafting.manage_all_sessions" in perms,
    )


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def draft_edit_refusal(*, user, record) -> str:
    """Why the workspace does not offer "Revise" on this record ("" when it does): the
    author's own open draft, or an open draft with no author (reference data). On a save
    the service (pledges.services.record_change) decides, and logs a refusal."""
    model = record.content_type.model_class() if isinstance(record, Revision) else type(record)
    if not user.has_perm(_perm(model, "change")):
        return _("Your role does not allow this.")
    if record.review_state not in OPEN_STATES:
        return _("Only a draft or a returned change can be revised.")
    if record.created_by_id not in (None, user.pk):
        return _("Only the person who logged this change can revise it.")
    return ""


def draft_can_edit(*, user, record) -> bool:
    return not draft_edit_refusal(user=user, record=record)


def draft_can_review_link(*, user, record) -> bool:
    """Whether a list offers "Review": a draft someone else logged and last changed.

    The review page asks the service's full four-eyes rule (the record's history too)."""
    return (
        record.review_state == ReviewState.DRAFT
        and user.has_perm(VERIFY)
        and user.pk not in (record.created_by_id, record.last_changed_by_id)
    )


# --- The verification queue and my drafts --------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    kind: ReviewKind
    record: Any
    summary: str
    action_url: str  # "" when there is nothing for this user to do here
    action_label: str


def _review_url(kind: ReviewKind, record) -> str:
    return reverse("staff:review_detail", args=[kind.key, record.pk])


def review_item(*, kind: ReviewKind, record, user) -> ReviewItem:
    """One line of a list, with the action it offers this user (review, or revise)."""
    url, label = "", ""
    if draft_can_review_link(user=user, record=record):
        url, label = _review_url(kind, record), _("Review")
    elif kind.edit_url is not None and draft_can_edit(user=user, record=record):
        url, label = kind.edit_url(record) or "", _("Revise")
    return ReviewItem(
        kind=kind, record=record, summary=kind.summary(record), action_url=url, action_label=label
    )


def _records_of_kind(kind: ReviewKind) -> QuerySet:
    records = kind.model._default_manager.select_related(*kind.select_related)
    if kind.model is Revision:
        # The revised record's name is in the summary: one query per kind of record.
        records = records.prefetch_related(
            GenericPrefetch(
                "target",
                [
                    Partner.objects.all(),
                    Pledge.objects.select_related("country"),
                    Campaign.objects.all(),
                ],
            )
        )
    return records


@dataclass(frozen=True)
class QueueFilters:
    """The review queue's filters, from the query string; empty values filter nothing."""

    kind: str = ""
    region: str = ""
    author: str = ""  # a username
    batch: str = ""  # an import batch: the SHA-256 of the imported file

    @classmethod
    def from_query(cls, query) -> QueueFilters:
        values = {name: str(query.get(name, "")).strip()[:100] for name in cls.__annotations__}
        if values["kind"] not in REVIEW_KINDS:
            values["kind"] = ""
        return cls(**values)

    def __bool__(self) -> bool:
        return any((self.kind, self.region, self.author, self.batch))


def _keys_union(
    filters: Q, *, exclude: Q | None = None, narrow: QueueFilters | None = None
) -> QuerySet:
    """(kind, pk, created_at) of every reviewable record matching, oldest first: one query."""
    parts = []
    narrow = narrow or QueueFilters()
    for kind in REVIEW_KINDS.values():
        if narrow.kind and kind.key != narrow.kind:
            continue
        if narrow.region and not kind.region_lookup:
            continue
        records = kind.model._default_manager.filter(filters)
        if exclude is not None:
            records = records.exclude(exclude)
        if narrow.author:
            records = records.filter(created_by__username=narrow.author)
        if narrow.batch:
            records = records.filter(import_batch=narrow.batch)
        if narrow.region:
            # a subquery, so that a partner working in several states of it counts once
            records = records.filter(
                pk__in=kind.model._default_manager.filter(
                    **{kind.region_lookup: narrow.region}
                ).values("pk")
            )
        parts.append(
            records.order_by()
            .annotate(kind_key=Value(kind.key, output_field=CharField()))
            .values_list("kind_key", "pk", "created_at")
        )
    if not parts:
        return REVIEW_KINDS["revision"].model._default_manager.none().values_list("pk")
    first, *rest = parts
    if not rest:
        return first.order_by("created_at", "pk")
    return first.union(*rest, all=True).order_by("created_at", "pk")


def _review_page(keys: QuerySet, *, user, page: Any, per_page: int) -> Page:
    """A page of the union, its records fetched per kind: the count, the page of keys, then
    one query per kind present on the page (two for revisions: with their targets)."""
    paginator = Paginator(keys, per_page)
    page_obj = paginator.get_page(page)
    wanted: dict[str, list[int]] = {}
    for key, pk, _created in page_obj.object_list:
        wanted.setdefault(key, []).append(pk)
    fetched = {key: _records_of_kind(REVIEW_KINDS[key]).in_bulk(pks) for key, pks in wanted.items()}
    page_obj.object_list = [
        review_item(kind=REVIEW_KINDS[key], record=fetched[key][pk], user=user)
        for key, pk, _created in page_obj.object_list
        if pk in fetched[key]
    ]
    return page_obj


def review_queue(
    *, user, page: Any = 1, per_page: int = QUEUE_PAGE_SIZE, filters: QueueFilters | None = None
) -> Page:
    """Drafts awaiting verification that `user` neither logged nor last changed, narrowed by
    kind, region, author or import batch."""
    mine = Q(created_by=user) | Q(last_changed_by=user)
    return _review_page(
        _keys_union(Q(review_state=ReviewState.DRAFT), exclude=mine, narrow=filters),
        user=user,
        page=page,
        per_page=per_page,
    )


def batch_drafts(*, user, batch: str) -> list[ReviewItem]:
    """Every draft of an import batch that `user` could review, oldest first (the page shows
    them all before "Verify this batch"; the service checks each one again)."""
    if not batch:
        return []
    mine = Q(created_by=user) | Q(last_changed_by=user)
    keys = list(
        _keys_union(
            Q(review_state=ReviewState.DRAFT), exclude=mine, narrow=QueueFilters(batch=batch)
        )
    )
    wanted: dict[str, list[int]] = {}
    for key, pk, _created in keys:
        wanted.setdefault(key, []).append(pk)
    fetched = {key: _records_of_kind(REVIEW_KINDS[key]).in_bulk(pks) for key, pks in wanted.items()}
    return [
        review_item(kind=REVIEW_KINDS[key], record=fetched[key][pk], user=user)
        for key, pk, _created in keys
        if pk in fetched[key]
    ]


def drafts_of(*, user, page: Any = 1, per_page: int = QUEUE_PAGE_SIZE) -> Page:
    """The user's own drafts and returned changes, oldest first."""
    return _review_page(
        _keys_union(Q(created_by=user, review_state__in=OPEN_STATES)),
        user=user,
        page=page,
        per_page=per_page,
    )


# --- The review page -----------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One field of a revision: the published value and the proposed one, as text.

    For a list (countries worked in…) `added` and `removed` name what changes, so the
    difference reads without colour."""

    label: str
    before: str
    after: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    is_list: bool = False


@dataclass(frozen=True)
class ReviewPage:
    kind: ReviewKind
    record: Any
    summary: str
    logged_by: str
    logged_at: Any
    last_changed_by: str  # "" when the author was the last to change it
    why: str
    fields: list
    diff: list[DiffRow]
    target: Any  # for a revision: the published record
    target_url: str
    can_verify: bool
    is_contributor: bool
    is_open: bool
    # For a version of the pledge text: what changed since the version before it.
    text_diff: list = field(default_factory=list)
    text_previous: Any = None


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _why(record) -> str:
    """The reason the author gave: the latest reason in the record's draft history."""
    if isinstance(record, Revision) and record.reason:
        return record.reason
    row = (
        record.history.filter(review_state__in=OPEN_STATES)
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return row.history_change_reason if row is not None else ""


def _names(model, pks) -> dict[Any, str]:
    """{pk: name} in the related model's own order (capabilities by number, …)."""
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=list(pks))}


def revision_diff(*, revision: Revision, target) -> list[DiffRow]:
    """The revision against the published record, field by field, lists by their names."""
    model = type(target)
    rows = []
    for change in revision_changes(revision=revision, target=target):
        model_field = model._meta.get_field(change["field"])
        if model_field.many_to_many:
            before, after = set(change["before"]), set(change["after"])
            names = _names(model_field.related_model, before | after)

            def named(pks, names=names):
                return [name for pk, name in names.items() if pk in pks]

            rows.append(
                DiffRow(
                    label=change["label"],
                    before=", ".join(named(before)) or "—",
                    after=", ".join(named(after)) or "—",
                    added=named(after - before),
                    removed=named(before - after),
                    is_list=True,
                )
            )
        else:
            rows.append(
                DiffRow(
                    label=change["label"],
                    before=display_value(model, change["field"], change["before"]),
                    after=display_value(model, change["field"], change["after"]),
                )
            )
    return rows


def review_page(*, kind: ReviewKind, pk: int, user) -> ReviewPage | None:
    """Everything the review page shows: who logged it, when, why, what (a diff for a
    revision), and whether this user may verify it (the service's four-eyes rule)."""
    record = _records_of_kind(kind).filter(pk=pk).first()
    if record is None:
        return None
    contributors = review_contributor_ids(record)
    is_contributor = user.pk in contributors
    is_open = record.review_state == ReviewState.DRAFT
    author = record.created_by
    if author is None:
        first = record.history.order_by("history_date", "history_id").first()
        author = first.history_user if first is not None else None
    last = record.last_changed_by if record.last_changed_by_id != record.created_by_id else None
    target, target_url, diff = None, "", []
    if isinstance(record, Revision):
        target = record.target
        if target is not None:
            diff = revision_diff(revision=record, target=target)
            if isinstance(target, Partner):
                target_url = reverse("staff:partner_edit", args=[target.pk])
            elif isinstance(target, Pledge):
                target_url = reverse("staff:country_workspace", args=[target.country_id])
    return ReviewPage(
        kind=kind,
        record=record,
        summary=kind.summary(record),
        logged_by=_person(author) or _("not recorded (reference data)"),
        logged_at=record.created_at,
        last_changed_by=_person(last),
        why=_why(record),
        fields=record_fields(record, kind.fields),
        diff=diff,
        target=target,
        target_url=target_url,
        can_verify=is_open and user.has_perm(VERIFY) and not is_contributor,
        is_contributor=is_contributor,
        is_open=is_open,
        **_pledge_text_review(record),
    )


def _pledge_text_review(record) -> dict:
    from pledges.models import PledgeText

    if not isinstance(record, PledgeText):
        return {}
    page = pledge_text_page(version=record.version, user=None)
    return {"text_diff": page.diff, "text_previous": page.previous}


# --- Countries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryRow:
    iso3: str
    name: str
    region: str
    status: str
    status_label: str
    status_date: str
    open_drafts: int


@dataclass(frozen=True)
class CountryListPage:
    rows: list[CountryRow]
    total: int
    regions: tuple[str, ...]
    statuses: list[tuple[str, str]]
    query: str
    region: str
    status: str
    has_drafts: bool


def _open_drafts_by_country() -> dict[str, int]:
    """Open drafts and returned changes per state: one query per kind, plus one for the
    revisions of pledges (their public fields)."""
    counts: dict[str, int] = {}
    sources = [
        PledgeEvent.objects.filter(review_state__in=OPEN_STATES).values_list(
            "pledge__country_id", flat=True
        ),
        CapabilityStatus.objects.filter(review_state__in=OPEN_STATES).values_list(
            "country_id", flat=True
        ),
        NationalStrategy.objects.filter(review_state__in=OPEN_STATES).values_list(
            "country_id", flat=True
        ),
        Pledge.objects.filter(
            pk__in=Revision.objects.filter(
                content_type=ContentType.objects.get_for_model(Pledge),
                review_state__in=OPEN_STATES,
            ).values("object_id")
        ).values_list("country_id", flat=True),
    ]
    for source in sources:
        for iso3 in source.order_by():
            counts[iso3] = counts.get(iso3, 0) + 1
    return counts


def country_list(
    *, query: str = "", region: str = "", status: str = "", has_drafts: bool = False
) -> CountryListPage:
    """Every state with its verified status and open drafts, searched by name (in the six UN
    languages and the aliases, as the import resolves them), ISO3 or ISO2, and filtered.
    Names are in the active language, in its collation order, as on the public pages.

    Eight queries whatever the data: the current pledge text (two at most), the verified
    pledges, the states, the open drafts (three kinds, and the pledges' revisions); a search
    reads the states' names once more.
    """
    status_rows = registry.country_status_rows(language=get_language())
    drafts = _open_drafts_by_country()
    matches: set[str] | None = None
    if name_key(query):
        # The one name resolver (pledges.names), as the import and the public search use it
        states = Country.objects.only("iso3", "iso2", *NAME_FIELDS, "aliases")
        matches = search_matches(((c.iso3, country_keys(c)) for c in states), query)
    rows = []
    for row in status_rows:
        if matches is not None and row.iso3 not in matches:
            continue
        if region and row.region != region:
            continue
        if status and row.status != status:
            continue
        count = drafts.get(row.iso3, 0)
        if has_drafts and not count:
            continue
        rows.append(
            CountryRow(
                iso3=row.iso3,
                name=row.name,
                region=row.region,
                status=row.status,
                status_label=row.status_label or str(registry.NO_INFORMATION_LABEL),
                status_date=row.status_date,
                open_drafts=count,
            )
        )
    return CountryListPage(
        rows=rows,
        total=len(status_rows),
        regions=registry.M49_REGIONS,
        statuses=[
            *((value, str(label)) for value, label in PledgeStatus.choices),
            (registry.NO_INFORMATION, str(registry.NO_INFORMATION_LABEL)),
        ],
        query=query,
        region=region,
        status=status,
        has_drafts=has_drafts,
    )


def country_public_status(*, country: Country) -> str:
    """ "Pledged since 2026-03-01" or "No information": what the public sees now."""
    pledge = (
        Pledge.objects.public()
        .filter(country=country, pledge_text=registry.pledge_text_current())
        .first()
    )
    if pledge is None:
        return str(registry.NO_INFORMATION_LABEL)
    return _("%(status)s since %(date)s") % {
        "status": pledge.get_status_display(),
        "date": pledge.status_date.isoformat() if pledge.status_date else "—",
    }


def capability_public_status(*, country: Country, capability) -> str:
    current = (
        CapabilityStatus.objects.current().filter(country=country, capability=capability).first()
    )
    return current.get_status_display() if current else str(registry.NO_INFORMATION_LABEL)


def strategy_public_status(*, country: Country) -> str:
    current = registry.current_strategy(country=country)
    if current is None:
        return str(registry.NO_INFORMATION_LABEL)
    return " — ".join(str(p) for p in (current.get_status_display(), current.title) if p)


@dataclass(frozen=True)
class WorkspaceDraft:
    record: Any
    action_url: str
    action_label: str


@dataclass(frozen=True)
class CountryWorkspacePage:
    workspace: Any  # pledges.selectors.CountryWorkspace
    pledge_drafts: list[WorkspaceDraft]
    strategy_drafts: list[WorkspaceDraft]
    capabilities: list  # [(capability, current, [WorkspaceDraft])]
    pledge_revision: ReviewItem | None


def country_workspace_page(*, country: Country, user) -> CountryWorkspacePage:
    """The country page with, for each open draft, the action it offers this user."""
    workspace = registry.country_workspace(country=country)

    def rows(kind_key: str, drafts) -> list[WorkspaceDraft]:
        items = [review_item(kind=REVIEW_KINDS[kind_key], record=d, user=user) for d in drafts]
        return [WorkspaceDraft(i.record, i.action_url, i.action_label) for i in items]

    revision = None
    if workspace.pledge is not None:
        open_revision = revision_open_for(target=workspace.pledge)
        if open_revision is not None:
            revision = review_item(kind=REVIEW_KINDS["revision"], record=open_revision, user=user)
    return CountryWorkspacePage(
        workspace=workspace,
        pledge_drafts=rows("pledge-event", workspace.pledge_drafts),
        strategy_drafts=rows("national-strategy", workspace.strategy_drafts),
        capabilities=[
            (capability, current, rows("capability-status", drafts))
            for capability, current, drafts in workspace.capabilities
        ],
        pledge_revision=revision,
    )


# --- Partners ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    open_revision: Revision | None


def partner_list(*, query: str = "", partner_type: str = "", page: Any = 1) -> Page:
    """Partners by name (any state), searched and filtered, a page at a time: the count, the
    page, and one query for the open revisions of the partners on it."""
    partners = Partner.objects.order_by(Lower("name"), "pk")
    if query.strip():
        text = query.strip()
        partners = partners.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    if partner_type:
        partners = partners.filter(partner_type=partner_type)
    page_obj = Paginator(partners, LIST_PAGE_SIZE).get_page(page)
    revisions = {
        r.object_id: r
        for r in Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(Partner),
            object_id__in=[p.pk for p in page_obj.object_list],
            review_state__in=OPEN_STATES,
        ).select_related("created_by")
    }
    page_obj.object_list = [PartnerRow(p, revisions.get(p.pk)) for p in page_obj.object_list]
    return page_obj


@dataclass(frozen=True)
class PartnerPage:
    """A partner as the public sees it, the change awaiting verification (if any), and what
    the form starts from: the user's own open change, else the published values."""

    partner: Partner
    published: list  # [ShownField]
    m2m: list[tuple[str, str]]  # (label, names)
    revision: Revision | None
    revision_diff: list[DiffRow]
    revision_review_url: str  # "" unless this user is offered the review
    form_initial: dict
    can_change: bool
    is_published: bool


def partner_page(*, partner: Partner, user) -> PartnerPage:
    revision = revision_open_for(target=partner)
    initial: dict = {}
    if revision is not None and revision.created_by_id == user.pk:
        for name, value in revision.values.items():
            initial[name] = value
    m2m = []
    for name in Partner.revisable_m2m:
        model_field = Partner._meta.get_field(name)
        names = [str(obj) for obj in getattr(partner, name).all()]
        m2m.append((str(model_field.verbose_name), ", ".join(names) or "—"))
    review_url = ""
    if revision is not None and draft_can_review_link(user=user, record=revision):
        review_url = reverse("staff:review_detail", args=["revision", revision.pk])
    return PartnerPage(
        partner=partner,
        published=record_fields(partner, (*Partner.revisable_fields, "review_state")),
        m2m=m2m,
        revision=revision,
        revision_diff=revision_diff(revision=revision, target=partner) if revision else [],
        revision_review_url=review_url,
        form_initial=initial,
        can_change=user.has_perm(_perm(Partner, "change")),
        is_published=partner.review_state == ReviewState.VERIFIED,
    )


# --- The pledge text -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseRow:
    clause: Any
    readability: Any  # pledges.readability.Readability of the child-friendly text
    translations: list


@dataclass(frozen=True)
class PledgeTextPage:
    text: Any
    clauses: list[ClauseRow]
    previous: Any  # the version it was made from, or None
    diff: list  # pledges.diff.ClauseDiff since the previous version
    can_edit: bool
    contributors: set[int]


def pledge_text_versions() -> QuerySet:
    """Every version, newest first, with its clause count (one query)."""
    from django.db.models import Count

    from pledges.models import PledgeText

    return PledgeText.objects.select_related("created_by", "verified_by").annotate(
        clause_count=Count("clauses")
    )


def pledge_text_page(*, version: int, user) -> PledgeTextPage | None:
    """A version as staff edit or read it: its clauses with their readability, and what
    changed since the version before it (a fixed number of queries)."""
    from django.db.models import Prefetch

    from pledges.diff import pledge_text_diff
    from pledges.models import PledgeClause, PledgeClauseTranslation, PledgeText
    from pledges.readability import readability

    text = (
        PledgeText.objects.select_related("created_by", "last_changed_by", "verified_by")
        .prefetch_related(
            Prefetch(
                "clauses",
                queryset=PledgeClause.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "translations",
                        queryset=PledgeClauseTranslation.objects.order_by("language"),
                    )
                ),
            )
        )
        .filter(version=version)
        .first()
    )
    if text is None:
        return None
    clauses = list(text.clauses.all())
    previous = (
        PledgeText.objects.filter(version__lt=version)
        .order_by("-version")
        .prefetch_related(Prefetch("clauses", queryset=PledgeClause.objects.order_by("number")))
        .first()
    )
    diff = pledge_text_diff(list(previous.clauses.all()), clauses) if previous else []
    return PledgeTextPage(
        text=text,
        clauses=[
            ClauseRow(
                clause=clause,
                readability=readability(clause.child_text, language="en"),
                translations=list(clause.translations.all()),
            )
            for clause in clauses
        ],
        previous=previous,
        diff=diff,
        can_edit=text.is_editable
        and user is not None
        and user.has_perm("pledges.change_pledgetext"),
        contributors=review_contributor_ids(text),
    )


# --- Campaign settings (the admin role) -------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSettings:
    outcome: Any
    actions: str
    partners: list  # every partner attached to the outcome (drafts marked in the template)


@dataclass(frozen=True)
class CampaignSettingsPage:
    campaign: Campaign
    pledged_members: int
    outcomes: list[OutcomeSettings]
    milestones: list
    target_countries: list
    revision: Revision | None
    revision_diff: list[DiffRow]
    revision_review_url: str
    form_initial: dict


def campaign_settings_page(*, campaign: Campaign, user) -> CampaignSettingsPage:
    """The campaign as published, its open revision (if any), outcomes with the partners
    attached to each, the milestones; the form starts from the user's own open change."""
    revision = revision_open_for(target=campaign)
    initial: dict = {}
    if revision is not None and revision.created_by_id == user.pk:
        initial.update(revision.values)
    actions = campaign.outcome_actions or {}
    partners = Partner.objects.prefetch_related("outcomes").order_by("name")
    by_outcome: dict[int, list] = {}
    for partner in partners:
        for outcome in partner.outcomes.all():
            by_outcome.setdefault(outcome.pk, []).append(partner)
    outcomes = [
        OutcomeSettings(
            outcome=o, actions=actions.get(str(o.number), ""), partners=by_outcome.get(o.pk, [])
        )
        for o in Outcome.objects.order_by("number")
    ]
    review_url = ""
    if revision is not None and draft_can_review_link(user=user, record=revision):
        review_url = reverse("staff:review_detail", args=["revision", revision.pk])
    return CampaignSettingsPage(
        campaign=campaign,
        pledged_members=campaign_pledged_members(campaign),
        outcomes=outcomes,
        milestones=list(campaign.milestones.order_by("date", "name")),
        target_countries=registry.countries_collated(
            campaign.target_countries.all(), get_language()
        ),
        revision=revision,
        revision_diff=revision_diff(revision=revision, target=campaign) if revision else [],
        revision_review_url=review_url,
        form_initial=initial,
    )


# --- The staff dashboard (issue 11, item 7) ---------------------------------------------------


@dataclass(frozen=True)
class StaffDashboard:
    statuses: list  # [(status, label)] the ladder, declined, withdrawn, no information
    pipeline: list  # [(region, [count per status], total)]
    pipeline_totals: list  # [count per status]
    stage_totals: list  # [(status, label, count)] all regions
    target_not_engaged: list  # [Country] on the target list with no engagement logged
    target_count: int
    engagements_by_stage: list  # [(label, count)]
    queues: list  # [(label, count)] drafts awaiting verification, by kind
    follow_ups: list  # [Engagement] open, due by the end of this week (overdue first)
    week_end: Any
    widest: int  # the largest count in the pipeline (the bars' scale)


def staff_dashboard(*, today) -> StaffDashboard:
    """Where the campaign stands for staff, each figure as a table. A fixed number of queries."""
    import datetime as dt

    from campaign.models import Engagement
    from campaign.selectors import campaign_current, engagement_follow_ups_due
    from pledges.models import LADDER, NO_INFORMATION, NO_INFORMATION_LABEL, PledgeStatus

    order = [*LADDER, PledgeStatus.DECLINED, PledgeStatus.WITHDRAWN, NO_INFORMATION]
    labels = {**dict(PledgeStatus.choices), NO_INFORMATION: NO_INFORMATION_LABEL}
    statuses = [(str(s), str(labels[s])) for s in order]
    rows = registry.country_status_rows()
    pipeline = []
    for region in registry.M49_REGIONS:
        counts = [sum(1 for r in rows if r.region == region and r.status == s) for s in order]
        pipeline.append((region, counts, sum(counts)))
    totals = [sum(1 for r in rows if r.status == s) for s in order]
    campaign = campaign_current()
    engaged = set(Engagement.objects.values_list("country_id", flat=True).distinct())
    targets = (
        registry.countries_collated(campaign.target_countries.all(), get_language())
        if campaign
        else []
    )
    stage_labels = dict(PledgeStatus.choices)
    by_stage: dict[str, int] = {}
    for stage in Engagement.objects.values_list("pledge_stage", flat=True):
        by_stage[stage] = by_stage.get(stage, 0) + 1
    engagements_by_stage = [
        (str(stage_labels[s]), by_stage.get(str(s), 0)) for s in order if s in stage_labels
    ] + [(str(_("No stage recorded")), by_stage.get("", 0))]
    queues = [
        (
            str(kind.label),
            kind.model._default_manager.filter(review_state=ReviewState.DRAFT).count(),
        )
        for kind in REVIEW_KINDS.values()
    ]
    week_end = today + dt.timedelta(days=6 - today.weekday())
    follow_ups = list(engagement_follow_ups_due(today=today, within_days=(week_end - today).days))
    return StaffDashboard(
        statuses=statuses,
        pipeline=pipeline,
        pipeline_totals=totals,
        stage_totals=[(key, label, n) for (key, label), n in zip(statuses, totals, strict=True)],
        target_not_engaged=[c for c in targets if c.pk not in engaged],
        target_count=len(targets),
        engagements_by_stage=engagements_by_stage,
        queues=queues,
        follow_ups=follow_ups,
        week_end=week_end,
        widest=max([1, *totals]),
    )


# --- Import jobs (issue 13, item 4) ------------------------------------------------------------


def import_job_progress(*, job) -> dict[str, Any]:
    """What the import page says of a job: rows done of the total, an estimate of the time
    left (from the pace so far), and whether to refresh."""
    done, total = job.rows_done, job.rows_total
    seconds_left = None
    if job.state == ImportJobState.RUNNING and job.started_at and done and total > done:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        seconds_left = max(1, round(elapsed / done * (total - done)))
    checking = job.action == ImportJobAction.PREVIEW or done < total or not total
    if job.state == ImportJobState.QUEUED:
        text = _("Waiting for the background worker to start…")
    elif job.state == ImportJobState.RUNNING and not total:
        text = _("Reading the file…")
    elif job.state == ImportJobState.RUNNING and checking:
        text = _("%(done)s of %(total)s rows checked") % {
            "done": f"{done:,}",
            "total": f"{total:,}",
        }
        if seconds_left is not None:
            text = _("%(progress)s, about %(seconds)d s left") % {
                "progress": text,
                "seconds": seconds_left,
            }
    elif job.state == ImportJobState.RUNNING:
        text = _("All %(total)s rows checked; saving the drafts in one transaction…") % {
            "total": f"{total:,}"
        }
    elif job.state == ImportJobState.FAILED:
        text = _("The import failed; nothing was changed.")
    else:
        text = _("Done.")
    return {
        "progress_text": text,
        "seconds_left": seconds_left,
        "refresh": not job.finished,
    }


# --- Translations of the pledge text's clauses -----------------------------------------------


class TranslationStatus:
    MISSING = "missing"
    OUTDATED = "outdated"
    UP_TO_DATE = "up-to-date"


@dataclass(frozen=True)
class TranslationCell:
    language: str
    language_name: str
    status: str  # a TranslationStatus
    translation: Any  # the PledgeClauseTranslation, or None


@dataclass(frozen=True)
class ClauseTranslationRow:
    clause: Any
    cells: list[TranslationCell]


@dataclass(frozen=True)
class PledgeTranslationsPage:
    text: Any
    languages: list[tuple[str, str]]  # (code, name), English left out
    rows: list[ClauseTranslationRow]
    can_edit: bool


def translation_languages() -> list[tuple[str, str]]:
    """The UN languages a clause is translated into: every interface language but English."""
    from django.conf import settings

    return [(code, str(name)) for code, name in settings.LANGUAGES if code != "en"]


def translation_status(translation) -> str:
    if translation is None:
        return TranslationStatus.MISSING
    return TranslationStatus.OUTDATED if translation.is_outdated else TranslationStatus.UP_TO_DATE


def pledge_translations_page(*, version: int, user) -> PledgeTranslationsPage | None:
    """Every clause of a version against every other UN language, each missing, outdated
    (the English changed since) or up to date. The queries of pledge_text_page."""
    page = pledge_text_page(version=version, user=user)
    if page is None:
        return None
    languages = translation_languages()
    rows = []
    for row in page.clauses:
        by_language = {t.language: t for t in row.translations}
        rows.append(
            ClauseTranslationRow(
                clause=row.clause,
                cells=[
                    TranslationCell(
                        language=code,
                        language_name=name,
                        status=translation_status(by_language.get(code)),
                        translation=by_language.get(code),
                    )
                    for code, name in languages
                ],
            )
        )
    return PledgeTranslationsPage(
        text=page.text, languages=languages, rows=rows, can_edit=page.can_edit
    )


@dataclass(frozen=True)
class ClauseTranslationPage:
    text: Any
    clause: Any
    language: str
    language_name: str
    translation: Any  # or None
    status: str
    can_edit: bool


def clause_translation_page(
    *, version: int, clause_id: int, language: str, user
) -> ClauseTranslationPage | None:
    """One clause in one language, beside its English source; None if there is no such
    version, clause (of that version) or translation language."""
    from pledges.models import PledgeClause

    names = dict(translation_languages())
    if language not in names:
        return None
    clause = (
        PledgeClause.objects.select_related("pledge_text")
        .filter(pk=clause_id, pledge_text__version=version)
        .first()
    )
    if clause is None:
        return None
    translation = clause.translations.filter(language=language).first()
    text = clause.pledge_text
    return ClauseTranslationPage(
        text=text,
        clause=clause,
        language=language,
        language_name=names[language],
        translation=translation,
        status=translation_status(translation),
        can_edit=text.is_editable
        and user is not None
        and user.has_perm("pledges.change_pledgetext"),
    )
