"""The demo data set: deterministic, plausible, invented — and marked as such everywhere."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaign.models import Engagement, EngagementChannel, Partner
from pledges.models import (
    LADDER,
    PLEDGED_OR_BEYOND,
    Capability,
    CapabilityStatus,
    CapabilityStatusChoice,
    Country,
    NationalStrategy,
    Pledge,
    PledgeEvent,
    PledgeStatus,
    PledgeText,
    PledgeTextStatus,
    ReviewState,
    StrategyStatus,
)
from pledges.roles import roles_ensure
from pledges.services import (
    demo_data_mark,
    pledge_clause_add,
    pledge_clause_update,
    pledge_text_current,
    pledge_text_next_version,
    pledge_text_update,
    pledge_text_verify,
    public_change_announce,
)

DEMO_SEED = 20270209
DEMO_DOMAIN = "demo.invalid"
DEMO_SOURCE = "https://demo.invalid/evidence/"
DEMO_DESCRIPTION = "Invented demo data: no state has made any of these commitments."


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    is_superuser: bool = False


DEMO_ACCOUNTS = (
    # Not a superuser: the admin role's permissions are the whole of its power (issue 8).
    DemoAccount("admin", f"admin@{DEMO_DOMAIN}"),
    DemoAccount("editor", f"editor@{DEMO_DOMAIN}"),
    DemoAccount("verifier", f"verifier@{DEMO_DOMAIN}"),
    DemoAccount("facilitator", f"facilitator@{DEMO_DOMAIN}"),
    DemoAccount("viewer", f"viewer@{DEMO_DOMAIN}"),
)


def demo_accounts_ensure(*, password: str) -> dict[str, object]:
    """Create (or reset the password of) one demo staff account per role."""
    User = get_user_model()
    groups = roles_ensure()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=f"demo-{account.role}", defaults={"email": account.email}
        )
        user.email = account.email
        user.first_name = f"Demo {account.role}"
        user.is_staff = True
        user.is_superuser = account.is_superuser
        user.set_password(password)
        user.save()
        user.groups.set([groups[account.role]])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        users[account.role] = user
    return users


def demo_data_remove() -> None:
    """Remove the invented data and its history (history of invented data is noise)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
        for model in (
            PledgeEvent,
            Pledge,
            CapabilityStatus,
            NationalStrategy,
            Engagement,
            PledgeText,
        ):
            model.objects.filter(is_demo=True).delete()
            model.history.filter(is_demo=True).delete()
        for partner in Partner.objects.all():
            partner.countries.clear()
        public_change_announce()


def _days_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


# Where each regional body of fixtures/partners.json may work in the demo data set.
REGIONAL_BODY_SCOPE = {
    "european-commission": lambda c: c.region == "Europe",
    "council-of-europe": lambda c: c.region == "Europe",
    "african-union": lambda c: c.region == "Africa",
    "ecowas": lambda c: (
        c.sub_region == "Sub-Saharan Africa" and c.intermediate_region == "Western Africa"
    ),
    "oas": lambda c: c.region == "Americas",
    "celac": lambda c: c.region == "Americas",
}


def demo_data_build(
    *, editor, verifier, seed: int = DEMO_SEED, today: dt.date | None = None
) -> dict:
    """Build the demo data set. The same seed and day give the same data."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    start = dt.date(2025, 6, 1)
    countries = list(Country.objects.order_by("iso3"))
    capabilities = list(Capability.objects.order_by("number"))
    text = pledge_text_current()
    counts = {"pledge_events": 0, "capability_statuses": 0, "strategies": 0}

    now = timezone.now()
    with transaction.atomic():
        # Pledges: most states climb some steps of the ladder; a few decline or withdraw;
        # about a fifth have no information at all. Built in bulk (with history): the
        # services' four-eyes path is exercised by the tests, not needed for invented data.
        pledges, events_by_country = [], {}
        for country in countries:
            roll = rng.random()
            if roll < 0.2:
                continue
            top = rng.choices(range(len(LADDER)), weights=[6, 14, 14, 30, 14, 6])[0]
            steps = list(LADDER[: top + 1])
            if roll > 0.97:
                steps.append(PledgeStatus.DECLINED)
            elif roll > 0.95 and PledgeStatus.PLEDGED in steps:
                steps.append(PledgeStatus.WITHDRAWN)
            dates = sorted(_days_between(rng, start, today) for _ in steps)
            # Leave some of the latest changes waiting for verification.
            pending_last = rng.random() < 0.12
            events, previous, verified = [], None, None
            for step, (status, when) in enumerate(zip(steps, dates, strict=True)):
                is_draft = pending_last and step == len(steps) - 1
                events.append(
                    PledgeEvent(
                        from_status=previous,
                        to_status=status,
                        event_date=when,
                        source_url=f"{DEMO_SOURCE}{country.iso3.lower()}/{status}",
                        source_title=f"[DEMO] Invented source for {country.short_name}",
                        source_publisher="Demo data set",
                        source_date=when,
                        note="Demo data: invented for the demonstration.",
                        created_by=editor,
                        created_at=now,
                        review_state=ReviewState.DRAFT if is_draft else ReviewState.VERIFIED,
                        verified_by=None if is_draft else verifier,
                        verified_at=None if is_draft else now,
                        is_demo=True,
                    )
                )
                previous = status
                if not is_draft:
                    verified = (status, when)
            events_by_country[country.iso3] = events
            pledges.append(
                Pledge(
                    country=country,
                    pledge_text=text,
                    status=verified[0] if verified else None,
                    status_date=verified[1] if verified else None,
                    verified_at=now if verified else None,
                    signed_by_office="[DEMO] Ministry responsible for digital affairs"
                    if verified and verified[0] in PLEDGED_OR_BEYOND
                    else "",
                    is_demo=True,
                )
            )
        bulk_create_with_history(pledges, Pledge, default_user=editor)
        all_events = []
        for pledge in Pledge.objects.filter(is_demo=True, pledge_text=text):
            for event in events_by_country[pledge.country_id]:
                event.pledge = pledge
                all_events.append(event)
        bulk_create_with_history(all_events, PledgeEvent, default_user=editor)
        counts["pledge_events"] = len(all_events)

        statuses = []
        strategies = []
        for country in countries:
            if rng.random() < 0.45:
                strategy_status = rng.choice(list(StrategyStatus.values))
                strategies.append(
                    NationalStrategy(
                        country=country,
                        status=strategy_status,
                        title=f"[DEMO] National strategy on children's online safety "
                        f"({country.short_name})",
                        year=rng.randint(2016, today.year)
                        if strategy_status == "adopted"
                        else None,
                        references_mnr=rng.random() < 0.5,
                        source_url=f"{DEMO_SOURCE}{country.iso3.lower()}/strategy",
                        source_title="[DEMO] Invented source",
                        source_publisher="Demo data set",
                        source_date=_days_between(rng, start, today),
                        created_by=editor,
                        verified_by=verifier,
                        verified_at=now,
                        review_state=ReviewState.VERIFIED,
                        is_current=True,
                        is_demo=True,
                    )
                )
            if rng.random() < 0.35:
                continue
            maturity = rng.random()
            for capability in capabilities:
                status = rng.choices(
                    list(CapabilityStatusChoice.values),
                    weights=[3, 2 * (1 - maturity), 2, 4 * maturity, 1],
                )[0]
                has_source = status != CapabilityStatusChoice.NO_PUBLIC_INFORMATION
                statuses.append(
                    CapabilityStatus(
                        country=country,
                        capability=capability,
                        status=status,
                        source_url=f"{DEMO_SOURCE}{country.iso3.lower()}/{capability.key}"
                        if has_source
                        else "",
                        source_title="[DEMO] Invented source" if has_source else "",
                        source_publisher="Demo data set" if has_source else "",
                        source_date=_days_between(rng, start, today) if has_source else None,
                        created_by=editor,
                        verified_by=verifier,
                        verified_at=now,
                        review_state=ReviewState.VERIFIED,
                        is_current=True,
                        is_demo=True,
                    )
                )
        bulk_create_with_history(strategies, NationalStrategy, default_user=editor)
        bulk_create_with_history(statuses, CapabilityStatus, default_user=editor)
        counts["strategies"] = len(strategies)
        counts["capability_statuses"] = len(statuses)

        # Where partners work: invented too. A regional body only within its own region
        # (before, ECOWAS and the Council of Europe were placed in Fiji).
        for partner in Partner.objects.order_by("slug"):
            pool = countries
            scope = REGIONAL_BODY_SCOPE.get(partner.slug)
            if scope is not None:
                pool = [c for c in countries if scope(c)] or countries
            sample = rng.sample(pool, min(len(pool), rng.randint(3, 40)))
            partner.countries.set(sample)

        counts["engagements"] = len(demo_engagements_build(editor=editor, seed=seed, today=today))
        counts["pledge_text_versions"] = demo_pledge_text_build(editor=editor, verifier=verifier)
        demo_data_mark(seed=seed, description=DEMO_DESCRIPTION)
        public_change_announce()  # public data changed: rebuild the snapshot after commit
    return counts


def demo_pledge_text_build(*, editor, verifier) -> int:
    """Two invented versions after the reference text, through the services (four eyes):
    version 2 published and open for children's suggestions, version 3 a draft awaiting
    verification. Marked as demo data; the campaign still promotes the reference text."""
    if PledgeText.objects.filter(version__gt=1).exists():
        return 0
    text = pledge_text_next_version(user=editor, is_demo=True)
    pledge_text_update(
        text=text,
        user=editor,
        expected_lock_version=text.lock_version,
        values={
            "title": "Global Pledge to Keep Children Safe Online",
            "status": PledgeTextStatus.OPEN,
            "changelog": "[DEMO] Simpler child-friendly wording; a clause on privacy.",
        },
    )
    clauses = {c.key: c for c in text.clauses.all()}
    steps = [
        (
            "clause-2",
            "We will make a plan to keep children safe online and tell everyone how it is going.",
            "[DEMO] Shorter sentence, suggested in a children's session.",
        ),
        (
            "clause-5",
            "We will ask children what they think, listen, and use their ideas.",
            "[DEMO] Children asked for 'listen'.",
        ),
    ]
    for key, child, note in steps:
        text.refresh_from_db()
        pledge_clause_update(
            clause=clauses[key],
            user=editor,
            expected_lock_version=text.lock_version,
            formal_text=clauses[key].formal_text,
            child_text=child,
            change_note=note,
        )
    text.refresh_from_db()
    pledge_clause_add(
        text=text,
        user=editor,
        expected_lock_version=text.lock_version,
        formal_text="We commit to protect children's privacy and personal data online, by "
        "design and by default.",
        child_text="We will keep your personal information safe online.",
        change_note="[DEMO] New clause on privacy.",
        position=4,
    )
    text.refresh_from_db()
    pledge_text_verify(text=text, user=verifier, expected_lock_version=text.lock_version)
    draft = pledge_text_next_version(user=editor, is_demo=True)
    pledge_text_update(
        text=draft,
        user=editor,
        expected_lock_version=draft.lock_version,
        values={"changelog": "[DEMO] Clause 1 names bullying, as children asked."},
    )
    draft.refresh_from_db()
    first = draft.clauses.get(key="clause-1")
    pledge_clause_update(
        clause=first,
        user=editor,
        expected_lock_version=draft.lock_version,
        formal_text=first.formal_text,
        child_text="We promise to keep every child safe from abuse, harm and bullying online.",
        change_note="[DEMO] Children asked to name bullying.",
    )
    return 2


DEMO_INSTITUTIONS = (
    "[DEMO] Ministry of Foreign Affairs",
    "[DEMO] Permanent Mission to the United Nations, New York",
    "[DEMO] Ministry of Digital Affairs",
    "[DEMO] Ministry of Education",
    "[DEMO] National child protection authority",
)
DEMO_NEXT_STEPS = (
    "Send the pledge text and the briefing note.",
    "Follow up on the ministry's legal review.",
    "Invite to the Safer Internet Day launch event.",
    "Share the MNR evidence summary.",
)


def demo_engagements_build(*, editor, seed: int, today: dt.date) -> list[Engagement]:
    """A few invented advocacy contacts, some with follow-ups due soon or overdue."""
    rng = random.Random(seed + 1)  # its own stream: the registry data above stays the same
    countries = list(Country.objects.order_by("iso3"))
    engagements = []
    for country in rng.sample(countries, 24):
        when = today - dt.timedelta(days=rng.randint(3, 200))
        due = when + dt.timedelta(days=rng.randint(7, 90)) if rng.random() < 0.7 else None
        engagements.append(
            Engagement(
                country=country,
                institution=rng.choice(DEMO_INSTITUTIONS),
                date=when,
                channel=rng.choice(EngagementChannel.values),
                outcome="[DEMO] Invented: the authority asked for more information.",
                next_step=rng.choice(DEMO_NEXT_STEPS) if due else "",
                follow_up_due=due,
                follow_up_done=bool(due and due < today and rng.random() < 0.5),
                pledge_stage=rng.choice(LADDER[1:4]),
                created_by=editor,
                owner=editor,
                follow_up_owner=editor if due else None,
                is_demo=True,
            )
        )
    bulk_create_with_history(engagements, Engagement, default_user=editor)
    return engagements
