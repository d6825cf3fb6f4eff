"""Every staff list page makes a fixed number of queries, whatever the data (STYLE: pinned at
two data sizes, each count commented with the queries it expects)."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.models import Partner
from campaign.services import engagement_create
from pledges import services
from pledges.models import Capability, Country
from tests.factories import event_kwargs
from tests.staff import signed_in

pytestmark = pytest.mark.django_db

SIZES = [1, 7]

# Every request: 1 session, 2 user, 3 the user's own permissions, 4 their groups'
# permissions ... and at the end the session save (the inactivity timeout renews it on every
# request): savepoint, update, release.
REQUEST = 4
SESSION_SAVE = 3


@pytest.fixture
def workload(editor, verifier):
    """`size` of everything a list shows: drafts of every kind (one returned), revisions of
    published partners, engagements, and changes to Kenya for its history."""

    def make(size: int) -> None:
        countries = list(Country.objects.order_by("iso3")[:size])
        capability = Capability.objects.get(key="mnr-11")
        partners = list(Partner.objects.public().order_by("name")[:size])
        for n, country in enumerate(countries):
            services.pledge_event_create(
                country=country, user=editor, **event_kwargs(event_date=dt.date(2026, 1, n + 1))
            )
            if n == 0:
                returned = services.pledge_event_create(
                    country=country, user=editor, **event_kwargs(to_status="declined")
                )
                services.review_return(
                    record=returned, user=verifier, comment="Check", expected_lock_version=1
                )
            services.capability_status_create(
                country=country,
                capability=capability,
                status="in_place",
                user=editor,
                source_url="https://example.org/c",
            )
            services.national_strategy_create(
                country=country, user=editor, status="drafting", source_url="https://e.org/s"
            )
            engagement_create(
                user=editor,
                country=country,
                institution="Ministry",
                date=dt.date(2026, 1, n + 1),
                channel="email",
                outcome="x",
                follow_up_due=dt.date.today(),
                next_step="Call the ministry back",
            )
            kenya_event = services.pledge_event_create(
                country=Country.objects.get(iso3="KEN"),
                user=editor,
                **event_kwargs(
                    to_status=["in_dialogue", "pledged"][n % 2], event_date=dt.date(2026, 2, n + 1)
                ),
            )
            services.pledge_event_verify(event=kenya_event, user=verifier, expected_lock_version=1)
        for partner in partners:
            services.record_change(
                record=partner,
                user=editor,
                expected_lock_version=partner.lock_version,
                values={"description": f"{partner.description} (updated)"},
            )

    return make


def get_counted(django_assert_num_queries, client, path: str, queries: int, **params):
    client.get(path, params)  # warm the caches (demo flag, content types)
    with django_assert_num_queries(queries):
        return client.get(path, params)


@pytest.mark.parametrize("size", SIZES)
def test_the_staff_home_of_a_verifier(django_assert_num_queries, workload, verifier, size):
    workload(size)
    # REQUEST; 5 follow-ups due (with countries and authors); 6-7 awaiting me: the count and
    # the page of keys (one UNION over the five kinds); 8-11 that page's records, one query
    # per kind on it (events, capability statuses, strategies, partners); 12-13 revisions,
    # with their partners; 14 my drafts: the count (none, so no page); 15-17 reports overdue
    # (issue 11): the campaign, pledged states with their verified report counts, their
    # verified changes; SESSION_SAVE
    response = get_counted(
        django_assert_num_queries, signed_in(verifier), "/en/staff/", REQUEST + 13 + SESSION_SAVE
    )
    assert len(response.context["awaiting"].object_list) == min(25, 4 * size + 3)


@pytest.mark.parametrize("size", SIZES)
def test_the_staff_home_of_an_editor(django_assert_num_queries, workload, editor, size):
    workload(size)
    # REQUEST; 5 follow-ups due; 6-7 my drafts: the count and the page of keys; 8-10 that
    # page's events, capability statuses and strategies; 11-12 revisions, with their
    # partners; 13-15 reports overdue: the campaign, pledged states with their verified
    # report counts, their verified changes; SESSION_SAVE
    response = get_counted(
        django_assert_num_queries, signed_in(editor), "/en/staff/", REQUEST + 11 + SESSION_SAVE
    )
    assert response.context["my_drafts"].paginator.count == 4 * size + 1


@pytest.mark.parametrize("size", SIZES)
def test_the_country_list(django_assert_num_queries, workload, verifier, size):
    workload(size)
    client = signed_in(verifier)
    # REQUEST; 5 the current pledge text (the published one the campaign promotes); 6 the
    # verified pledges; 7 the states; 8-11 open drafts per state: events, capability
    # statuses, strategies, revisions of pledges; SESSION_SAVE
    response = get_counted(
        django_assert_num_queries, client, "/en/staff/countries/", REQUEST + 7 + SESSION_SAVE
    )
    assert len(response.context["page"].rows) == 195
    # a search reads the states' names once more (12)
    response = get_counted(
        django_assert_num_queries,
        client,
        "/en/staff/countries/",
        REQUEST + 8 + SESSION_SAVE,
        q="ivoire",
        drafts="1",
    )
    assert [row.iso3 for row in response.context["page"].rows] in ([], ["CIV"])


@pytest.mark.parametrize("size", SIZES)
def test_the_review_queue(django_assert_num_queries, workload, verifier, size):
    workload(size)
    # REQUEST; 5-6 the count and the page of keys; 7-10 that page's events, capability
    # statuses, strategies and partners; 11-12 revisions, with their partners; SESSION_SAVE
    response = get_counted(
        django_assert_num_queries,
        signed_in(verifier),
        "/en/staff/review/",
        REQUEST + 8 + SESSION_SAVE,
    )
    assert response.context["items"].paginator.count == 4 * size + 3


@pytest.mark.parametrize("size", SIZES)
def test_the_engagement_list(django_assert_num_queries, workload, editor, size):
    workload(size)
    # REQUEST; 5 the count; 6 the page, with countries, authors and owners; 7 the campaign
    # and 8 the pledge status of the listed states, for the stage-contradiction warning (one
    # query for the whole page); SESSION_SAVE
    response = get_counted(
        django_assert_num_queries,
        signed_in(editor),
        "/en/staff/engagements/",
        REQUEST + 4 + SESSION_SAVE,
    )
    assert len(response.context["engagements"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_partner_list(django_assert_num_queries, workload, verifier, size):
    workload(size)
    # REQUEST; 5 the count; 6 the page; 7 the open revisions of its partners, with their
    # authors; SESSION_SAVE
    response = get_counted(
        django_assert_num_queries,
        signed_in(verifier),
        "/en/staff/partners/",
        REQUEST + 3 + SESSION_SAVE,
    )
    rows = response.context["partners"].object_list
    assert sum(1 for row in rows if row.open_revision) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_country_history(django_assert_num_queries, workload, verifier, size):
    workload(size)
    # REQUEST; 5 the country; 6-9 the history of its events, pledges, capability statuses,
    # strategies (with their users); SESSION_SAVE
    response = get_counted(
        django_assert_num_queries,
        signed_in(verifier),
        "/en/staff/countries/KEN/history/",
        REQUEST + 5 + SESSION_SAVE,
    )
    assert len(response.context["entries"]) >= 3 * size
