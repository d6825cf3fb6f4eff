"""Issue 12: Oceania across the 180° meridian, and Tuvalu's point on its own islands."""

from __future__ import annotations

import pytest

from dashboards import figures
from pledges.models import Country

pytestmark = pytest.mark.django_db


def _offset(lon: float, centre: float) -> float:
    """Degrees east of the projection's centre, in [-180, 180)."""
    return (lon - centre + 180) % 360 - 180


def test_the_oceania_view_holds_every_oceania_state_near_its_centre():
    # before: the view turned the projection to 0°, so Tonga (-176°) and Samoa sat 335° from
    # a 160° centre, off the left edge
    view = figures.REGION_VIEWS["Oceania"]
    rotation = view.get("rotation", 0)
    assert abs(_offset(view["center"]["lon"], rotation)) < 1
    for state in Country.objects.filter(region="Oceania"):
        assert abs(_offset(state.longitude, rotation)) <= 60, (state.iso3, state.longitude)


@pytest.mark.parametrize(("iso3", "lon_range"), [("TUV", (176, 180)), ("FJI", (176, 180.1))])
def test_pacific_points_lie_on_their_islands(iso3, lon_range):
    # before: Tuvalu at -178.9°, Fiji at -164.7°
    state = Country.objects.get(iso3=iso3)
    assert lon_range[0] <= state.longitude <= lon_range[1]


def test_new_zealand_point_is_on_new_zealand():
    assert -47 <= Country.objects.get(iso3="NZL").latitude <= -34
