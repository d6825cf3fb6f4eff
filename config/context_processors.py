from __future__ import annotations

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override

from pledges.selectors import demo_data_present


def site(request):
    """Values every page needs: whether demo data is shown, and demo mode."""
    return {
        # Lazy: templates call it only if a page has not already said (public pages read the
        # snapshot, so a warm public request makes no query).
        "demo_data_present": demo_data_present,
        "demo_mode": settings.DEMO_MODE,
    }


def language_links(request):
    """This page in each of the six languages, for the language switcher (issue 14).

    Links, not a form: a public page is cached and served to every visitor, so it may hold
    no CSRF token (set_language takes a POST). A page that does not resolve (a 404) links to
    each language's home page, so that it is the same whatever the path asked for.
    """

    def build():
        found = getattr(request, "resolver_match", None) is not None and not getattr(
            request, "language_links_home", False
        )
        links = []
        current = get_language()
        for code, _name in settings.LANGUAGES:
            info = get_language_info(code)
            if found:
                url = translate_url(request.get_full_path(), code)
            else:
                with override(code):
                    url = reverse("dashboards:home")
            links.append(
                {"code": code, "name": info["name_local"], "url": url, "current": code == current}
            )
        return links

    # Lazy: only the layouts with a switcher pay for it.
    return {"language_links": SimpleLazyObject(build)}
