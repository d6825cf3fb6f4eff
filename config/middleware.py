from __future__ import annotations

from django.conf import settings

from config.views import STAFF_PATH_PREFIXES, database_unavailable_response, is_database_down


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
        if is_database_down(exception) and request.path.startswith(STAFF_PATH_PREFIXES):
            return database_unavailable_response(request)
        return None
