"""The staff editor of clause translations (issue 14, item 3): the list and the edit page
pass axe in English and in Arabic (right to left), at phone and desktop sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from pledges.roles import Role
from tests.browser.conftest import axe_violations
from tests.browser.test_staff_flow import staff_page
from tests.factories import UserFactory
from tests.pledge_texts import clause, next_version
from tests.staff import with_role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [(375, 812), (1366, 900)])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_translation_pages_pass_axe_and_fit(
    browser, live_server, reference_data, language, size
):
    editor = with_role(UserFactory(username="eddie"), Role.EDITOR)
    text = next_version(editor=editor)
    with override(language):
        paths = (
            reverse("staff:pledge_translation_list", kwargs={"version": text.version}),
            reverse(
                "staff:pledge_translation_edit",
                kwargs={"version": text.version, "clause": clause(text, 1).pk, "language": "fr"},
            ),
        )
    page = staff_page(browser, live_server, editor)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for path in paths:
        page.goto(path)
        assert page.evaluate("document.documentElement.dir || 'ltr'") == (
            "rtl" if language == "ar" else "ltr"
        ), path
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0], path
        assert axe_violations(page) == [], path
