from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header denying powerful features (SEC-02, CH-13)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
