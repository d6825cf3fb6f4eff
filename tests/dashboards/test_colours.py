"""Issue 12: colours people can tell apart (WCAG contrast ratios, measured)."""

from __future__ import annotations

import re
from pathlib import Path

from dashboards import figures, public
from pledges.models import PledgeStatus

CSS = Path(public.__file__).parent / "static" / "dashboards" / "css" / "site.css"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS.read_text()).group(1)


def test_focus_ring_has_3_to_1_against_white_and_the_page_greys():
    # before: amber #FFBF47 on white, 1.6:1
    focus = css_variable("focus")
    for background in ("#ffffff", css_variable("paper"), "#f3f3f3", css_variable("demo-bg")):
        assert contrast(focus, background) >= 3, (focus, background)


def test_not_engaged_is_told_apart_from_the_grey_of_non_member_areas():
    # before: #deebf7 against the #f3f3f3 land of non-member areas, 1.07:1
    not_engaged = public.PLEDGE_COLOURS[PledgeStatus.NOT_ENGAGED]
    land = figures.NON_MEMBER_LAND
    assert contrast(not_engaged, land) >= 1.5, (not_engaged, land)
    assert css_variable("s-not_engaged") == not_engaged  # the table's swatch is the map's


def test_the_css_ladder_is_the_maps_ladder():
    for status, colour in public.PLEDGE_COLOURS.items():
        if status == public.NO_INFORMATION:
            continue
        assert css_variable(f"s-{status}") == colour, status
