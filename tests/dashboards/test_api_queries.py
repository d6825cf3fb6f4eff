"""Every API endpoint makes a fixed number of queries, whatever the data or page size."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.dashboards.open_data import publish

pytestmark = pytest.mark.django_db

# (path, number of queries, the queries)
ENDPOINTS = [
    (
        "/api/v1/countries/",
        9,
        "campaign; count; states page; prefetch verified pledges, current strategies, "
        "current capability statuses; pledged states with report counts, their verified "
        "changes (issue 11: reporting); capability keys",
    ),
    (
        "/api/v1/countries/?status=pledged&capability=mnr-01",
        9,
        "the same nine: filters are subqueries of the count and page queries",
    ),
    (
        "/api/v1/countries/{iso3}/",
        8,
        "campaign; the state; prefetch pledges, strategies, capability statuses; pledged "
        "states with report counts, their verified changes; capability keys",
    ),
    ("/api/v1/pledge-events/", 2, "count; events page joined to pledge, state and text"),
    (
        "/api/v1/pledge-texts/",
        4,
        "count; versions page; prefetch clauses; prefetch their translations",
    ),
    ("/api/v1/mnr/domains/", 3, "count; domains page; prefetch capabilities"),
    ("/api/v1/mnr/capabilities/", 2, "count; capabilities page joined to the domain"),
    (
        "/api/v1/partners/",
        5,
        "count; partners page; prefetch countries, capabilities, outcomes",
    ),
    (
        "/api/v1/campaign/",
        5,
        "campaign; verified pledges; states; milestones; outcomes",
    ),
]


@pytest.mark.parametrize(("size", "page_size"), [(1, 2), (8, 200)])
def test_query_count_does_not_grow(alice, bob, django_assert_num_queries, size, page_size):
    # given `size` states with published data, and partners working in all of them
    from campaign.models import Partner

    states = publish(n=size, author=alice, verifier=bob)
    for partner in Partner.objects.public()[:3]:
        partner.countries.add(*states)
    api = APIClient()
    for path, queries, what in ENDPOINTS:
        url = path.format(iso3=states[0].iso3)
        # page_size on a list only: a detail or the campaign refuses parameters it does not
        # read (issue 12)
        if "{iso3}" not in path and path != "/api/v1/campaign/":
            url += f"{'&' if '?' in url else '?'}page_size={page_size}"
        # when / then: `what` names the queries
        with django_assert_num_queries(queries):
            response = api.get(url)
        assert response.status_code == 200, (path, what, response.content)


def test_warm_snapshot_endpoint_makes_no_query(django_assert_num_queries, settings, tmp_path):
    settings.SNAPSHOT_DIR = tmp_path
    api = APIClient()
    api.get("/api/v1/snapshot/")
    with django_assert_num_queries(0):  # served from the cache
        assert api.get("/api/v1/snapshot/").status_code == 200
