"""Views of the open data API: thin, read-only, anonymous, cached and throttled.

Each view reads through the selectors of `pledges` and `campaign`, and pins a fixed number
of queries per request whatever the page size (see tests/dashboards/test_api_queries.py).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.selectors import (
    campaign_current,
    campaign_progress,
    partner_list_public,
    reporting_all,
    reporting_not_pledged,
)
from dashboards import records
from dashboards.snapshot import snapshot_current
from pledges.selectors import (
    capability_list,
    countries_public,
    domain_list,
    pledge_events_public,
    pledge_texts_public_with_clauses,
)

from . import filters, serializers
from .http import (
    CACHE_HEADERS,
    NOT_MODIFIED,
    THROTTLED,
    VALIDATION_ERROR,
    AnonymousThrottle,
    ConditionalGetMixin,
    KnownParametersMixin,
    StableOrderingFilter,
    StablePageNumberPagination,
    detail_responses,
    list_responses,
)


class OpenDataView(KnownParametersMixin, ConditionalGetMixin):
    """Anonymous, read-only (GET/HEAD), throttled, with ETag and Cache-Control; a query
    parameter the view does not know is a 400."""

    http_method_names = ["get", "head"]
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AnonymousThrottle]
    metadata_class = None


class RecordsMixin:
    """The serializers render public records (dashboards.records), not models.

    The selectors' querysets are filtered, ordered and paginated as querysets; then the page
    (or the one object) is turned into records by `to_records`.
    """

    def to_records(self, objects) -> list:
        return list(objects)


class OpenDataListView(RecordsMixin, OpenDataView, generics.ListAPIView):
    pagination_class = StablePageNumberPagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]

    def paginate_queryset(self, queryset):
        return self.to_records(super().paginate_queryset(queryset))


class OpenDataDetailView(RecordsMixin, OpenDataView, generics.RetrieveAPIView):
    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = self.get_queryset().filter(**{self.lookup_field: self.normalise(value)}).first()
        if obj is None:
            raise NotFound(_("No such record."))
        return self.to_records([obj])[0]

    def normalise(self, value: str):
        return value


class EventRecordsMixin:
    def get_queryset(self):
        return pledge_events_public()

    def to_records(self, objects) -> list:
        return [records.event_record(e) for e in objects]


class PartnerRecordsMixin:
    def get_queryset(self):
        return partner_list_public()

    def to_records(self, objects) -> list:
        return [records.partner_record(p) for p in objects]


# --- Countries ----------------------------------------------------------------------------


class CountryMixin:
    serializer_class = serializers.CountrySerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Query: the current campaign (which pledge text the statuses refer to).
        campaign = campaign_current()
        self.campaign = campaign
        self.pledge_text_id = campaign.pledge_text_id if campaign else None
        self.pledge_text_version = campaign.pledge_text.version if campaign else None
        request.open_data_pledge_text_id = self.pledge_text_id

    def get_queryset(self):
        return countries_public(pledge_text_id=getattr(self, "pledge_text_id", None))

    def to_records(self, objects) -> list:
        today = timezone.localdate()
        # Queries: the pledged states with their verified report counts; their verified
        # changes (the pledge dates). Issue 11: "report overdue" in the API.
        reporting = (
            {r.iso3: r.reporting for r in reporting_all(today=today, campaign=self.campaign)}
            if self.campaign
            else {}
        )
        return records.country_records(
            objects,
            # Query: the 21 capabilities, so that every state lists all of them.
            capability_keys=list(capability_list().values_list("key", flat=True)),
            pledge_text_version=self.pledge_text_version,
            reporting_at=reporting,
            reporting_default=reporting_not_pledged(),
        )


COUNTRY_ISO3 = OpenApiParameter(
    "iso3",
    {"type": "string", "pattern": filters.ISO3_PATTERN},
    OpenApiParameter.PATH,
    description=_("ISO3 code of the state (any case); 404 when no state has it."),
)


@extend_schema(
    tags=["countries"],
    summary="List states",
    description="The 193 UN Member States and 2 observer States, each with its verified "
    "pledge status, national strategy and the 21 MNR capability statuses.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.CountrySerializer),
)
class CountryList(CountryMixin, OpenDataListView):
    filterset_class = filters.CountryFilter
    ordering = ["short_name"]
    ordering_fields = [
        ("name", "short_name"),
        ("iso3", "iso3"),
        ("m49", "m49"),
        ("region", "region"),
        ("sub_region", "sub_region"),
    ]
    ordering_tiebreak = "iso3"


@extend_schema(
    tags=["countries"],
    summary="One state",
    description="A state by its ISO3 code, with its verified pledge status, national "
    "strategy and the 21 MNR capability statuses.",
    parameters=[COUNTRY_ISO3, *CACHE_HEADERS],
    responses=detail_responses(serializers.CountrySerializer),
)
class CountryDetail(CountryMixin, OpenDataDetailView):
    lookup_field = "iso3"

    def normalise(self, value: str) -> str:
        return value.upper()


# --- Pledge events ------------------------------------------------------------------------


@extend_schema(
    tags=["pledge events"],
    summary="List verified pledge status changes",
    description="Every verified change of a state's pledge status, with its source. "
    "Unverified changes are never listed.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.PledgeEventSerializer),
)
class PledgeEventList(EventRecordsMixin, OpenDataListView):
    serializer_class = serializers.PledgeEventSerializer
    filterset_class = filters.PledgeEventFilter
    ordering = ["-event_date", "-verified_at"]
    ordering_fields = [
        ("event_date", "event_date"),
        ("verified_at", "verified_at"),
        ("country", "pledge__country__short_name"),
    ]
    ordering_tiebreak = "pk"


@extend_schema(
    tags=["pledge events"],
    summary="One verified pledge status change",
    description="A verified change by its id; an unverified or unknown id is a 404.",
    parameters=[
        OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH),
        *CACHE_HEADERS,
    ],
    responses=detail_responses(serializers.PledgeEventSerializer),
)
class PledgeEventDetail(EventRecordsMixin, OpenDataDetailView):
    serializer_class = serializers.PledgeEventSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    def normalise(self, value: str) -> int:
        if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
            raise NotFound(_("No such record."))
        return int(value)


# --- MNR framework ------------------------------------------------------------------------


@extend_schema(
    tags=["MNR framework"],
    summary="List the domains of the WeProtect Model National Response (2016)",
    description="The 6 domains, each with its capabilities.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.DomainSerializer),
)
class DomainList(OpenDataListView):
    serializer_class = serializers.DomainSerializer
    ordering = ["number"]
    ordering_fields = [("number", "number"), ("key", "key")]
    ordering_tiebreak = "pk"

    def get_queryset(self):
        return domain_list()


@extend_schema(
    tags=["MNR framework"],
    summary="One MNR domain",
    description="A domain by its key, with its capabilities.",
    parameters=[
        OpenApiParameter("key", {"type": "string", "pattern": filters.SLUG_PATTERN}, "path"),
        *CACHE_HEADERS,
    ],
    responses=detail_responses(serializers.DomainSerializer),
)
class DomainDetail(OpenDataDetailView):
    serializer_class = serializers.DomainSerializer
    lookup_field = "key"

    def get_queryset(self):
        return domain_list()


@extend_schema(
    tags=["MNR framework"],
    summary="List the 21 MNR capabilities",
    description="The 21 capabilities, described in our own words.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.CapabilitySerializer),
)
class CapabilityList(OpenDataListView):
    serializer_class = serializers.CapabilitySerializer
    filterset_class = filters.CapabilityFilter
    ordering = ["number"]
    ordering_fields = [("number", "number"), ("key", "key")]
    ordering_tiebreak = "pk"

    def get_queryset(self):
        return capability_list()


@extend_schema(
    tags=["MNR framework"],
    summary="One MNR capability",
    description="A capability by its key (mnr-01 … mnr-21).",
    parameters=[
        OpenApiParameter("key", {"type": "string", "pattern": filters.CAPABILITY_PATTERN}, "path"),
        *CACHE_HEADERS,
    ],
    responses=detail_responses(serializers.CapabilitySerializer),
)
class CapabilityDetail(OpenDataDetailView):
    serializer_class = serializers.CapabilitySerializer
    lookup_field = "key"

    def get_queryset(self):
        return capability_list()


# --- Partners -----------------------------------------------------------------------------


@extend_schema(
    tags=["partners"],
    summary="List published partners",
    description="Allied organisations, with the states and MNR capabilities they work on.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.PartnerSerializer),
)
class PartnerList(PartnerRecordsMixin, OpenDataListView):
    serializer_class = serializers.PartnerSerializer
    filterset_class = filters.PartnerFilter
    ordering = ["name"]
    ordering_fields = [("name", "name"), ("type", "partner_type")]
    ordering_tiebreak = "slug"


@extend_schema(
    tags=["partners"],
    summary="One published partner",
    description="A published partner by its key; unpublished partners are a 404.",
    parameters=[
        OpenApiParameter("slug", {"type": "string", "pattern": filters.SLUG_PATTERN}, "path"),
        *CACHE_HEADERS,
    ],
    responses=detail_responses(serializers.PartnerSerializer),
)
class PartnerDetail(PartnerRecordsMixin, OpenDataDetailView):
    serializer_class = serializers.PartnerSerializer
    lookup_field = "slug"


# --- The pledge text ---------------------------------------------------------------------


@extend_schema(
    tags=["pledge text"],
    summary="List published versions of the pledge text",
    description="Every published version, oldest first, with its clauses (formal and "
    "child-friendly, with translations). Unpublished versions are never listed.",
    parameters=CACHE_HEADERS,
    responses=list_responses(serializers.PledgeTextSerializer),
)
class PledgeTextList(OpenDataListView):
    serializer_class = serializers.PledgeTextSerializer
    ordering = ["version"]
    ordering_fields = [("version", "version"), ("published_on", "published_on")]
    ordering_tiebreak = "pk"

    def get_queryset(self):
        return pledge_texts_public_with_clauses()


@extend_schema(
    tags=["pledge text"],
    summary="One published version of the pledge text",
    description="A version by its number; an unpublished or unknown version is a 404.",
    parameters=[
        OpenApiParameter("version", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH),
        *CACHE_HEADERS,
    ],
    responses=detail_responses(serializers.PledgeTextSerializer),
)
class PledgeTextDetail(OpenDataDetailView):
    serializer_class = serializers.PledgeTextSerializer
    lookup_field = "version"

    def get_queryset(self):
        return pledge_texts_public_with_clauses()

    def normalise(self, value: str) -> int:
        if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**15:
            raise NotFound(_("No such record."))
        return int(value)


# --- Campaign and snapshot ----------------------------------------------------------------


@extend_schema(
    tags=["campaign"],
    summary="Campaign progress",
    description="Progress towards the pledge target, from verified statuses only.",
    parameters=CACHE_HEADERS,
    responses=detail_responses(serializers.CampaignProgressSerializer),
)
class CampaignProgressView(OpenDataView, APIView):
    def get(self, request):
        progress = campaign_progress()
        if progress is None:
            raise NotFound(_("No campaign is set up yet."))
        return Response(serializers.CampaignProgressSerializer(progress).data)


@extend_schema(
    tags=["snapshot"],
    summary="The public snapshot",
    description="Everything public in one document (the one the map reads), rebuilt when a "
    "verified change lands. Same body and ETag as /data/snapshot.json.",
    parameters=CACHE_HEADERS,
    responses={
        200: OpenApiResponse(response=serializers.SNAPSHOT_SCHEMA, description=_("Snapshot")),
        304: NOT_MODIFIED,
        400: VALIDATION_ERROR,
        429: THROTTLED,
    },
)
class SnapshotView(OpenDataView, APIView):
    def get(self, request):
        snapshot = snapshot_current()
        response = HttpResponse(snapshot.body, content_type="application/json")
        response["ETag"] = snapshot.etag
        return response


# The endpoints, as the index lists them: URL name (or a path template), what it is.
INDEX_ENDPOINTS = [
    ("countries", "api:country-list", _("The 195 states with pledge, strategy, capabilities.")),
    ("country", "/api/v1/countries/{iso3}/", _("One state by its ISO3 code.")),
    ("pledge_events", "api:pledge-event-list", _("Verified pledge status changes.")),
    ("pledge_event", "/api/v1/pledge-events/{id}/", _("One verified change.")),
    ("mnr_domains", "api:domain-list", _("The 6 MNR domains with their capabilities.")),
    ("mnr_domain", "/api/v1/mnr/domains/{key}/", _("One MNR domain.")),
    ("mnr_capabilities", "api:capability-list", _("The 21 MNR capabilities.")),
    ("mnr_capability", "/api/v1/mnr/capabilities/{key}/", _("One MNR capability.")),
    ("partners", "api:partner-list", _("Published partners.")),
    ("partner", "/api/v1/partners/{slug}/", _("One published partner.")),
    ("campaign", "api:campaign", _("Progress towards the pledge target.")),
    ("snapshot", "api:snapshot", _("Everything public in one document.")),
    ("schema", "api:schema", _("OpenAPI 3 schema of this API.")),
    ("docs", "api:docs", _("Interactive documentation.")),
]


@extend_schema(
    tags=["index"],
    summary="The endpoints of the API",
    description="Every endpoint of version 1 with its URL and what it gives.",
    parameters=CACHE_HEADERS,
    responses=detail_responses(serializers.ApiIndexSerializer),
)
class ApiIndex(OpenDataView, APIView):
    """/api/v1/: where a client (or a person) starts; every endpoint with its URL."""

    def get(self, request):
        endpoints = []
        for name, target, description in INDEX_ENDPOINTS:
            path = target if target.startswith("/") else reverse(target)
            url = request.build_absolute_uri(path).replace("%7B", "{").replace("%7D", "}")
            endpoints.append({"name": name, "url": url, "description": str(description)})
        return Response(
            {
                "version": "1",
                "licence": "CC BY 4.0",
                "docs": request.build_absolute_uri(reverse("api:docs")),
                "endpoints": endpoints,
            }
        )


@extend_schema(exclude=True)
class NotFoundView(OpenDataView, APIView):
    """Any other path under /api/v1/: a JSON 404, like every other API error."""

    def get(self, request, *args, **kwargs):
        raise NotFound(_("No such endpoint. See /api/docs/ for the list."))
