"""With the database down, staff pages answer 503 and say nothing was half-written (OPS-02)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from pledges.models import SecurityEvent
from pledges.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.staff.urls_database_down")
def test_a_write_that_loses_the_database_answers_503_and_leaves_nothing(client):
    # OPS-02
    # when a staff page loses the database in the middle of a write
    response = client.post("/staff/half-written/")
    # then the answer is 503 with a clear message, and the first half was rolled back
    assert response.status_code == 503
    html = response.content.decode()
    assert "Saving is unavailable" in html and "Nothing was half-written" in html
    assert response["Retry-After"] == "60"
    assert not SecurityEvent.objects.exists()


@pytest.mark.urls("tests.staff.urls_database_down")
def test_outside_staff_pages_the_error_is_not_dressed_as_the_staff_503(client):
    # OPS-02: public pages have their own fallback (the last good snapshot)
    with pytest.raises(OperationalError):
        client.get("/public/half-written/")


def test_a_signed_in_staff_member_gets_the_503_page_when_the_database_is_unreachable(
    staff_in_role, monkeypatch
):
    # OPS-02
    # given a signed-in editor
    client = Client(raise_request_exception=False)
    client.force_login(staff_in_role(Role.EDITOR))

    # when every query fails, as if the database server were gone
    def unreachable(self, *args, **kwargs):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", unreachable)
    for path in [
        "/admin/",
        "/admin/pledges/pledgeevent/add/",
        "/en/staff/invite/",
        "/en/accounts/2fa/",
    ]:
        response = client.get(path)
        # then the page says so, without needing the database to say it
        assert response.status_code == 503, path
        assert "Saving is unavailable" in response.content.decode(), path
