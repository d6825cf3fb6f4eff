"""Project-level error pages."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

from drafting.views import csrf_failure as drafting_csrf_failure
from pledges.languages import path_without_language
from staff.middleware import is_staff_path

logger = logging.getLogger(__name__)


def is_database_down(exception: BaseException | None) -> bool:
    """The database could not be reached or answered with a connection-level error."""
    return isinstance(exception, OperationalError | InterfaceError) or (
        isinstance(exception, DatabaseError) and "unable to open database" in str(exception)
    )


def database_unavailable_response(request) -> HttpResponse:
    """A 503 page that needs no database: rendered without context processors (OPS-02)."""
    logger.error("Database unavailable on %s", request.path)
    body = render_to_string("503_database.html", {"request_path": request.path})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response


def _not_found_reason(exception: BaseException | None) -> str:
    """A view's own Http404 message (translated, for people); a URL that matched nothing has
    none worth showing (Django's resolver message lists patterns)."""
    if not isinstance(exception, Http404) or exception.__class__ is not Http404:
        return ""
    message = exception.args[0] if exception.args else ""
    return message if isinstance(message, str) else ""


@requires_csrf_token
def page_not_found(request, exception: BaseException | None = None) -> HttpResponse:
    """handler404: our page, in the visitor's language, with ways back into the site."""
    # It shows no data, so no demo banner and no query for it (a 404 costs nothing, and
    # renders with the database down too).
    context = {"reason": _not_found_reason(exception), "demo_data_present": False}
    # The language switcher links to each language's home page: the page is the same
    # whatever the path asked for (config.context_processors.language_links).
    request.language_links_home = True
    body = render_to_string("404.html", context, request=request)
    response = HttpResponseNotFound(body)
    response.is_site_not_found_page = True
    return response


@requires_csrf_token
def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database outage on a staff page gets the 503 page, not a bare 500."""
    exception = sys.exc_info()[1]
    if is_database_down(exception) and is_staff_path(request.path):
        return database_unavailable_response(request)
    return django_server_error(request, template_name=template_name)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A children's page keeps what the child typed (issue 10, bad input); others: Django's."""
    if path_without_language(request.path).startswith("/draft/"):
        return drafting_csrf_failure(request, reason)
    return django_csrf_failure(request, reason)
