"""HTTP behaviour shared by every API view: caching, throttling, pagination, ordering."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

SAFE_METHODS = ("GET", "HEAD")


class AnonymousThrottle(AnonRateThrottle):
    """Per-client rate limit on the shared cache (Redis in production).

    The rate is read from settings.API_ANON_THROTTLE_RATE on every request, so that tests
    and deployments can change it without touching DRF's class-level defaults. DRF answers
    429 with `Retry-After` (seconds) when the limit is hit.
    """

    def get_rate(self) -> str:
        return settings.API_ANON_THROTTLE_RATE


class ConditionalGetMixin:
    """ETag, conditional GET (304) and a short public Cache-Control on successful reads.

    The ETag is a hash of the rendered body (or one the view set itself, e.g. the
    snapshot's), so that a client or a CDN revalidates cheaply: a matching If-None-Match
    gets 304 and no body. The comparison is Django's own (get_conditional_response, as in
    ConditionalGetMiddleware and @condition). Not the middleware itself: it skips HEAD
    (which the API serves, with the ETag the schema promises), and it would hash every GET
    response of the site. Not @condition: it needs the ETag before the view runs, and no
    cheap version of the API's data exists (the snapshot's ETag misses fields the API
    shows, such as partner descriptions), so a 304 could be stale.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS or response.status_code != 200:
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        if not response.has_header("ETag"):
            digest = hashlib.sha256(response.content).hexdigest()[:32]
            response["ETag"] = f'"{digest}"'
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
        not_modified = get_conditional_response(request, etag=response["ETag"], response=response)
        return not_modified or response


FORMAT_PARAM = "format"  # DRF's URL_FORMAT_OVERRIDE: ?format=json


def known_query_parameters(view) -> list[str]:
    """The query parameters a view reads: its filters, pagination, ordering and `format`."""
    names = {FORMAT_PARAM}
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names.update(filterset_class.base_filters)
    pagination_class = getattr(view, "pagination_class", None)
    if pagination_class is not None:
        names.update(
            n
            for n in (pagination_class.page_query_param, pagination_class.page_size_query_param)
            if n
        )
    for backend in getattr(view, "filter_backends", ()):
        param = getattr(backend, "ordering_param", None)
        if param:
            names.add(param)
    return sorted(names)


class KnownParametersMixin:
    """A query parameter the view does not read is a 400 naming the ones it does.

    Before, `?regoin=Africa` or `?country=KEN` on /countries/ was silently ignored, and a
    client took the whole list for the filtered one.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = known_query_parameters(self)
        unknown = sorted(set(request.query_params) - set(known))
        if unknown:
            message = _("Unknown query parameter. Known parameters here: %(known)s.") % {
                "known": ", ".join(known)
            }
            raise ValidationError({name: [message] for name in unknown})


class StablePageNumberPagination(PageNumberPagination):
    """Page numbers with a capped, strictly validated page size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = _(
        "Results per page (default 50); values above 200 are capped at 200."
    )

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [_("Give a whole number ≥ 1.")]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Page number, from 1. A page past the end is a 404.")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


class StableOrderingFilter(BaseFilterBackend):
    """`?ordering=field` or `-field` from the view's `ordering_fields`, then a tie-breaker.

    An unknown field is a 400 (the schema lists the valid values). The view's
    `ordering_tiebreak` (its primary key) is always appended, so pages never overlap.
    """

    ordering_param = "ordering"

    def _choices(self, view) -> dict[str, str]:
        return dict(view.ordering_fields)

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return queryset.order_by(*view.ordering, view.ordering_tiebreak)
        choices = self._choices(view)
        descending = raw.startswith("-")
        name = raw[1:] if descending else raw
        if name not in choices:
            raise ValidationError(
                {self.ordering_param: [_("Order by one of: %s.") % ", ".join(sorted(choices))]}
            )
        field = choices[name]
        tiebreak = view.ordering_tiebreak
        if descending:
            return queryset.order_by(f"-{field}", f"-{tiebreak}")
        return queryset.order_by(field, tiebreak)

    def get_schema_operation_parameters(self, view):
        names = list(self._choices(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Sort by this field; a leading '-' sorts in descending order.")
                ),
                "schema": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
            }
        ]


# --- Documented responses ---------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in words."))


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description=_("A query parameter is not valid: each bad parameter with its reasons."),
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer, description=_("No such record, or a page past the end.")
)
NOT_MODIFIED = OpenApiResponse(
    description=_("Not modified: the If-None-Match ETag is still current (no body).")
)
THROTTLED = OpenApiResponse(
    response=ErrorSerializer,
    description=_("Too many requests from this client; retry after Retry-After seconds."),
)

CACHE_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=_("An ETag from an earlier response; a 304 answers if it is still current."),
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description=_("Version of this response; send it back in If-None-Match."),
    ),
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        required=True,
        description=_("public, with a short max-age."),
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        required=True,
        description=_("Seconds to wait before the next request."),
    ),
]


def list_responses(serializer) -> dict:
    return {
        200: serializer,
        304: NOT_MODIFIED,
        400: VALIDATION_ERROR,
        404: NOT_FOUND,
        429: THROTTLED,
    }


def detail_responses(serializer) -> dict:
    # 400: a query parameter the endpoint does not read (KnownParametersMixin)
    return {
        200: serializer,
        304: NOT_MODIFIED,
        400: VALIDATION_ERROR,
        404: NOT_FOUND,
        429: THROTTLED,
    }
