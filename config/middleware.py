from __future__ import annotations

from django.conf import settings
from django.http import Http404

from config.views import (
    database_unavailable_response,
    is_database_down,
    is_staff_path,
    page_not_found,
)


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header denying powerful features (SEC-02, CH-13)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a clear message when the database is down on a staff page (OPS-02).

    Views' errors arrive here through process_exception; errors raised while loading the
    session or user go to config.views.server_error (handler500), which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception) and is_staff_path(request.path):
            return database_unavailable_response(request)
        return None


class NotFoundPageMiddleware:
    """Our 404 page in every mode: with DEBUG on, Django answers its technical 404 instead.

    A view's Http404 reaches process_exception (its message is kept); a URL that matches no
    pattern is resolved outside the view and arrives as Django's technical HTML 404 response,
    which __call__ replaces. With DEBUG off handler404 already answers our page: nothing to do.
    A JSON 404 (the API) or a static file's 404 is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "is_site_not_found_page", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
