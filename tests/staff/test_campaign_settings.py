"""Campaign settings in the workspace (issue 11, item 1): the admin role proposes the target,
the launch, the actions under each outcome and the target list of states; the published
campaign changes only when a second person verifies the revision. A target below the number
of Member States already pledged is asked to be confirmed; milestones are added and removed
by the admin role only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from campaign import services
from campaign.models import Campaign, Milestone
from campaign.selectors import campaign_current
from pledges.models import Country, Pledge, PledgeText, Revision
from pledges.roles import Role
from pledges.services import ActionDenied, record_verify
from tests.factories import UserFactory
from tests.staff import signed_in, with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return with_role(UserFactory(username="ada", email="ada@example.org"), Role.ADMIN)


@pytest.fixture
def second_admin():
    return with_role(UserFactory(username="grace", email="grace@example.org"), Role.ADMIN)


def pledged(count: int) -> None:
    text = PledgeText.objects.get(version=1)
    for c in Country.objects.filter(un_status="member").order_by("iso3")[:count]:
        Pledge.objects.create(
            country=c,
            pledge_text=text,
            status="pledged",
            status_date=dt.date(2026, 5, 1),
            verified_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC),
        )


def settings_form(campaign: Campaign, **overrides) -> dict:
    data = {
        "name": campaign.name,
        "target_states": campaign.target_states,
        "launch_date": campaign.launch_date.isoformat(),
        "launch_event": campaign.launch_event,
        "report_first_months": campaign.report_first_months,
        "report_interval_months": campaign.report_interval_months,
        "target_countries": [c.pk for c in campaign.target_countries.all()],
        "actions_1": "",
        "actions_2": "",
        "actions_3": "",
        "reason": "",
        "lock_version": campaign.lock_version,
    }
    data.update(overrides)
    return data


# --- The service ------------------------------------------------------------------------------


def test_the_launch_date_defaults_to_safer_internet_day_2027():
    assert Campaign._meta.get_field("launch_date").default == dt.date(2027, 2, 9)
    assert campaign_current().launch_date == dt.date(2027, 2, 9)


def test_a_target_below_the_pledged_count_is_refused_until_confirmed(admin):
    # given 5 Member States pledged
    pledged(5)
    campaign = campaign_current()
    # when the admin proposes a target of 4
    with pytest.raises(ValidationError) as refused:
        services.campaign_settings_change(
            campaign=campaign,
            user=admin,
            expected_lock_version=campaign.lock_version,
            values={"target_states": 4},
        )
    # then it is refused with the code the page asks a confirmation for, nothing proposed
    assert refused.value.error_dict["target_states"][0].code == services.TARGET_BELOW_PLEDGED
    assert not Revision.objects.exists()
    # a target equal to the pledged count needs no confirmation
    revision = services.campaign_settings_change(
        campaign=campaign,
        user=admin,
        expected_lock_version=campaign.lock_version,
        values={"target_states": 5},
    )
    assert revision.values == {"target_states": 5}
    # confirmed, the smaller one is proposed
    revision = services.campaign_settings_change(
        campaign=campaign,
        user=admin,
        expected_lock_version=campaign.lock_version,
        values={"target_states": 4},
        confirm_below_pledged=True,
    )
    assert revision.values == {"target_states": 4}


def test_settings_change_through_a_revision_a_second_person_verifies(admin, second_admin):
    campaign = campaign_current()
    kenya, brazil = Country.objects.get(iso3="KEN"), Country.objects.get(iso3="BRA")
    revision = services.campaign_settings_change(
        campaign=campaign,
        user=admin,
        expected_lock_version=campaign.lock_version,
        values={"target_states": 120, "outcome_actions": {"1": "Model law briefings"}},
        m2m={"target_countries": [kenya, brazil]},
        reason="Regional meetings",
    )
    # the published campaign is unchanged until verified, and not by its author
    campaign.refresh_from_db()
    assert campaign.target_states == 100 and not campaign.target_countries.exists()
    with pytest.raises(ActionDenied):
        record_verify(record=revision, user=admin, expected_lock_version=revision.lock_version)
    record_verify(record=revision, user=second_admin, expected_lock_version=revision.lock_version)
    campaign.refresh_from_db()
    assert campaign.target_states == 120
    assert campaign.outcome_actions == {"1": "Model law briefings"}
    assert set(campaign.target_countries.values_list("iso3", flat=True)) == {"KEN", "BRA"}


def test_other_roles_cannot_change_settings_or_milestones(alice, bob):
    campaign = campaign_current()
    for user in (alice, bob):
        with pytest.raises(ActionDenied):
            services.campaign_settings_change(
                campaign=campaign,
                user=user,
                expected_lock_version=campaign.lock_version,
                values={"target_states": 150},
            )
        with pytest.raises(ActionDenied):
            services.milestone_add(
                campaign=campaign,
                user=user,
                name="UNGA",
                date=dt.date(2027, 9, 20),
                kind="un_event",
            )
    assert not Revision.objects.exists()


def test_outcome_actions_must_be_text_per_outcome_number(admin):
    campaign = campaign_current()
    with pytest.raises(ValidationError):
        services.campaign_settings_change(
            campaign=campaign,
            user=admin,
            expected_lock_version=campaign.lock_version,
            values={"outcome_actions": {"one": ["x"]}},
        )


def test_milestones_are_added_and_removed_by_the_admin(admin):
    campaign = campaign_current()
    milestone = services.milestone_add(
        campaign=campaign,
        user=admin,
        name="UN General Assembly high-level week",
        date=dt.date(2027, 9, 21),
        kind="un_event",
    )
    assert milestone.history.first().history_user == admin
    services.milestone_remove(
        milestone=milestone, user=admin, expected_lock_version=milestone.lock_version
    )
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


# --- The page -----------------------------------------------------------------------------------


def test_the_page_asks_to_confirm_a_target_below_the_pledged_count(admin):
    pledged(5)
    campaign = campaign_current()
    client = signed_in(admin)
    page = client.get("/en/staff/campaign/")
    assert page.status_code == 200
    assert "Safer Internet Day" in page.content.decode()
    assert "confirm_below_pledged" not in page.content.decode()
    # when the admin enters a target of 3
    response = client.post("/en/staff/campaign/", settings_form(campaign, target_states=3))
    # then the page asks, with a checkbox, and nothing is proposed yet
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirm_below_pledged"' in html
    assert "5 Member States have already pledged" in html
    assert not Revision.objects.exists()
    # ticked, the change is proposed (and the published target stays until verified)
    response = client.post(
        "/en/staff/campaign/", settings_form(campaign, target_states=3, confirm_below_pledged="on")
    )
    assert response.status_code == 302
    assert Revision.objects.get().values == {"target_states": 3}
    campaign.refresh_from_db()
    assert campaign.target_states == 100
    html = client.get("/en/staff/campaign/").content.decode()
    assert "A change awaiting verification" in html


def test_the_page_proposes_actions_and_target_states(admin):
    campaign = campaign_current()
    client = signed_in(admin)
    kenya = Country.objects.get(iso3="KEN")
    response = client.post(
        "/en/staff/campaign/",
        settings_form(
            campaign, actions_2="Digital citizenship toolkit", target_countries=[kenya.pk]
        ),
    )
    assert response.status_code == 302
    assert Revision.objects.get().values == {
        "outcome_actions": {"2": "Digital citizenship toolkit"},
        "target_countries": ["KEN"],
    }


def test_the_page_adds_and_removes_a_milestone(admin):
    client = signed_in(admin)
    response = client.post(
        "/en/staff/campaign/milestones/new/",
        {"name": "Internet Governance Forum", "date": "2027-06-10", "kind": "un_event"},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(name="Internet Governance Forum")
    assert "Internet Governance Forum" in client.get("/en/staff/campaign/").content.decode()
    response = client.post(
        f"/en/staff/campaign/milestones/{milestone.pk}/remove/",
        {"lock_version": milestone.lock_version},
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
