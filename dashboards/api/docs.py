"""The OpenAPI schema and its interactive docs, served from our own static files.

The docs page is Swagger UI from drf-spectacular-sidecar (static files, no CDN). Our
template keeps the site-wide CSP as it is: no inline script or style (the init script is a
separate same-origin request, the page style a static file), so no nonce and no exception
is needed for this route, and 'unsafe-eval' is never allowed.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .http import AnonymousThrottle


class SchemaView(SpectacularAPIView):
    throttle_classes = [AnonymousThrottle]


class DocsView(SpectacularSwaggerSplitView):
    template_name = "dashboards/open_data/api_docs.html"
    throttle_classes = [AnonymousThrottle]
    title = "Global Pledge Tracker open data API"
