"""Explicit output shapes of the open data API. No staff identities, no child data.

The serializers render the public records of dashboards.records (the views turn each page
of the selectors' querysets into records): none reads a model, so a model field can never
appear in the public API by accident, and every default ("no information", all 21
capabilities) is the records'. Every serializer lists its fields; a verified record says
`"verified": true`, never who.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaign.selectors import EndorsementStatus, PartnerType
from dashboards.records import CountryRecord, SourceRecord
from pledges.selectors import (
    NAME_CODES,
    NO_INFORMATION,
    CapabilityStatusChoice,
    PledgeStatus,
    StrategyStatus,
    UNStatus,
    accountability,
)

PLEDGE_STATUS_VALUES = list(PledgeStatus.values)
PLEDGE_STATUS_CHOICES = [*PLEDGE_STATUS_VALUES, NO_INFORMATION]
CAPABILITY_STATUS_VALUES = list(CapabilityStatusChoice.values)
STRATEGY_STATUS_VALUES = list(StrategyStatus.values)
REPORTING_STATUS_VALUES = list(accountability.REPORTING_STATUSES)


_DATETIME = serializers.DateTimeField()


def _iso_datetime(value) -> str | None:
    """As DRF renders a DateTimeField: ISO 8601, UTC as 'Z'."""
    if value is None:
        return None
    return _DATETIME.to_representation(value)


def _iso_date(value) -> str | None:
    return value.isoformat() if value else None


def _document_url(source: SourceRecord, request) -> str | None:
    if not source.document_url:
        return None
    return request.build_absolute_uri(source.document_url) if request else source.document_url


def _source(source: SourceRecord | None, request) -> dict | None:
    if source is None:
        return None
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "date": _iso_date(source.date),
        "document_url": _document_url(source, request),
    }


class VerifiedField(serializers.BooleanField):
    """Always true: the API serves verified records only, and never says by whom."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Always true: checked by a second staff member (four eyes).")
        )
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return True


class SourceSerializer(serializers.Serializer):
    """The public evidence for a record."""

    url = serializers.CharField(help_text=_("Link to the source."))
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    document_url = serializers.SerializerMethodField(
        help_text=_("Uploaded copy of the source document, if any.")
    )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_document_url(self, source) -> str | None:
        return _document_url(source, self.context.get("request"))


class CountryNamesSerializer(serializers.Serializer):
    en = serializers.CharField()
    fr = serializers.CharField()
    es = serializers.CharField()
    ru = serializers.CharField()
    zh = serializers.CharField()
    ar = serializers.CharField()


class PledgeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PLEDGE_STATUS_CHOICES,
        help_text=_("Verified status on the ladder; 'no_information' when none is verified."),
    )
    since = serializers.DateField(allow_null=True, help_text=_("Date of the latest change."))
    pledge_text_version = serializers.IntegerField(allow_null=True)
    signed_by_office = serializers.CharField(help_text=_("An office, never a person."))
    public_note = serializers.CharField()
    last_verified_at = serializers.DateTimeField(allow_null=True, source="verified_at")
    verified = serializers.BooleanField()
    is_demo = serializers.BooleanField(help_text=_("Invented demo data."))


class NationalStrategySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STRATEGY_STATUS_VALUES)
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    link = serializers.CharField()
    references_mnr = serializers.BooleanField()
    note = serializers.CharField()
    source = SourceSerializer()
    last_verified_at = serializers.DateTimeField(source="verified_at")
    verified = VerifiedField()
    is_demo = serializers.BooleanField()


class CapabilityStatusSerializer(serializers.Serializer):
    capability = serializers.CharField(help_text=_("Capability key, mnr-01 … mnr-21."))
    status = serializers.ChoiceField(choices=CAPABILITY_STATUS_VALUES)
    note = serializers.CharField()
    source = SourceSerializer(allow_null=True)
    last_verified_at = serializers.DateTimeField(allow_null=True, source="verified_at")
    verified = serializers.BooleanField()
    is_demo = serializers.BooleanField()


class ReportingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=REPORTING_STATUS_VALUES,
        help_text=_(
            "Progress reports against the campaign's schedule: 'on_time', 'overdue' (a "
            "report's due date has passed without a verified report), or 'not_pledged' (no "
            "report is due)."
        ),
    )
    next_due = serializers.DateField(
        allow_null=True, help_text=_("The earliest due date not yet met; null if not pledged.")
    )
    days_overdue = serializers.IntegerField(help_text=_("0 unless overdue."))
    reports_verified = serializers.IntegerField(source="reports_made")


class CountrySerializer(serializers.Serializer):
    iso3 = serializers.CharField(help_text=_("ISO 3166-1 alpha-3 code; the key of a state."))
    iso2 = serializers.CharField()
    m49 = serializers.IntegerField(help_text=_("UN M49 numeric code."))
    name = serializers.CharField()
    names = CountryNamesSerializer(help_text=_("Names in the six UN languages."))
    region = serializers.CharField()
    sub_region = serializers.CharField()
    intermediate_region = serializers.CharField()
    un_status = serializers.ChoiceField(choices=UNStatus.values)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    pledge = serializers.SerializerMethodField()
    national_strategy = serializers.SerializerMethodField()
    capabilities = serializers.SerializerMethodField()
    reporting = ReportingSerializer(allow_null=True)

    @extend_schema_field(PledgeSerializer)
    def get_pledge(self, country: CountryRecord) -> dict:
        return PledgeSerializer(country.pledge).data

    @extend_schema_field(NationalStrategySerializer(allow_null=True))
    def get_national_strategy(self, country: CountryRecord) -> dict | None:
        if country.strategy is None:
            return None
        return NationalStrategySerializer(country.strategy, context=self.context).data

    @extend_schema_field(CapabilityStatusSerializer(many=True))
    def get_capabilities(self, country: CountryRecord) -> list[dict]:
        return CapabilityStatusSerializer(
            country.capabilities, many=True, context=self.context
        ).data

    def to_representation(self, country: CountryRecord) -> dict:
        """The declared shape, built directly: DRF's nested fields are slow for 195 states of 21.

        tests/dashboards/test_api.py checks it equals the field-by-field serialisation.
        """
        if self.context.get("slow_path"):
            return super().to_representation(country)
        request = self.context.get("request")
        pledge, strategy, names = country.pledge, country.strategy, country.names
        reporting = country.reporting
        return {
            "iso3": country.iso3,
            "iso2": country.iso2,
            "m49": country.m49,
            "name": country.name,
            "names": {
                "en": names.en,
                "fr": names.fr,
                "es": names.es,
                "ru": names.ru,
                "zh": names.zh,
                "ar": names.ar,
            },
            "region": country.region,
            "sub_region": country.sub_region,
            "intermediate_region": country.intermediate_region,
            "un_status": country.un_status,
            "latitude": country.latitude,
            "longitude": country.longitude,
            "pledge": {
                "status": pledge.status,
                "since": _iso_date(pledge.since),
                "pledge_text_version": pledge.pledge_text_version,
                "signed_by_office": pledge.signed_by_office,
                "public_note": pledge.public_note,
                "last_verified_at": _iso_datetime(pledge.verified_at),
                "verified": pledge.verified,
                "is_demo": pledge.is_demo,
            },
            "national_strategy": {
                "status": strategy.status,
                "title": strategy.title,
                "year": strategy.year,
                "link": strategy.link,
                "references_mnr": strategy.references_mnr,
                "note": strategy.note,
                "source": _source(strategy.source, request),
                "last_verified_at": _iso_datetime(strategy.verified_at),
                "verified": True,
                "is_demo": strategy.is_demo,
            }
            if strategy
            else None,
            "capabilities": [
                {
                    "capability": c.capability,
                    "status": c.status,
                    "note": c.note,
                    "source": _source(c.source, request),
                    "last_verified_at": _iso_datetime(c.verified_at),
                    "verified": c.verified,
                    "is_demo": c.is_demo,
                }
                for c in country.capabilities
            ],
            "reporting": {
                "status": reporting.status,
                "next_due": _iso_date(reporting.next_due),
                "days_overdue": reporting.days_overdue,
                "reports_verified": reporting.reports_made,
            }
            if reporting
            else None,
        }


class PledgeEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    country = serializers.CharField(source="iso3", help_text=_("ISO3 code."))
    country_name = serializers.CharField()
    pledge_text_version = serializers.IntegerField()
    from_status = serializers.SerializerMethodField()
    to_status = serializers.ChoiceField(choices=PLEDGE_STATUS_VALUES)
    event_date = serializers.DateField(help_text=_("When the change happened."))
    note = serializers.CharField()
    source = SourceSerializer()
    verified = VerifiedField()
    verified_at = serializers.DateTimeField()
    is_demo = serializers.BooleanField()

    @extend_schema_field(serializers.ChoiceField(choices=PLEDGE_STATUS_CHOICES))
    def get_from_status(self, event) -> str:
        return event.from_status


def _mnr_names(record) -> dict:
    """An MNR domain's or capability's name in the six UN languages, keyed as a state's."""
    return {code: record.name_in(code) for code in NAME_CODES}


MNR_NAMES_HELP = _("Names in the six UN languages (our own translations, not WeProtect's).")


class CapabilitySummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    names = serializers.SerializerMethodField(help_text=MNR_NAMES_HELP)

    @extend_schema_field(CountryNamesSerializer)
    def get_names(self, capability) -> dict:
        return _mnr_names(capability)


class DomainSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    names = serializers.SerializerMethodField(help_text=MNR_NAMES_HELP)
    mnr_version = serializers.CharField()
    capabilities = CapabilitySummarySerializer(many=True)

    @extend_schema_field(CountryNamesSerializer)
    def get_names(self, domain) -> dict:
        return _mnr_names(domain)


class CapabilitySerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("mnr-01 … mnr-21"))
    number = serializers.IntegerField()
    name = serializers.CharField()
    names = serializers.SerializerMethodField(help_text=MNR_NAMES_HELP)
    description = serializers.CharField(help_text=_("What it means, in our words."))
    descriptions = serializers.SerializerMethodField(
        help_text=_("What it means in the six UN languages (our own translations).")
    )
    mnr_version = serializers.CharField()
    domain = serializers.CharField(source="domain.key")
    domain_name = serializers.CharField(source="domain.name")

    @extend_schema_field(CountryNamesSerializer)
    def get_names(self, capability) -> dict:
        return _mnr_names(capability)

    @extend_schema_field(CountryNamesSerializer)
    def get_descriptions(self, capability) -> dict:
        return {code: capability.description_in(code) for code in NAME_CODES}


class PartnerSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=PartnerType.values)
    website = serializers.CharField()
    description = serializers.CharField()
    endorsement = serializers.ChoiceField(choices=EndorsementStatus.values)
    conflict_of_interest_disclosure = serializers.CharField()
    works_globally = serializers.BooleanField()
    outcomes = serializers.SerializerMethodField()
    capabilities = serializers.SerializerMethodField()
    countries = serializers.SerializerMethodField()
    verified = VerifiedField()
    is_demo = serializers.BooleanField()

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_outcomes(self, partner) -> list[int]:
        return list(partner.outcomes)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_capabilities(self, partner) -> list[str]:
        return list(partner.capabilities)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_countries(self, partner) -> list[str]:
        return list(partner.countries)


class MilestoneSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()


class OutcomeSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()


class StatusCountsSerializer(serializers.Serializer):
    """Number of states (members and observers) at each verified status."""

    def get_fields(self):
        return {s: serializers.IntegerField() for s in PLEDGE_STATUS_CHOICES}


class CampaignProgressSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    pledge_text_version = serializers.IntegerField()
    pledge_text_title = serializers.CharField()
    target_states = serializers.IntegerField(
        help_text=_("Target number of UN Member States pledged by the launch.")
    )
    launch_date = serializers.DateField()
    launch_event = serializers.CharField()
    member_states = serializers.IntegerField()
    observer_states = serializers.IntegerField()
    pledged_member_states = serializers.IntegerField(
        help_text=_("Member States at 'pledged' or beyond on the ladder (verified).")
    )
    pledged_observer_states = serializers.IntegerField()
    status_counts = StatusCountsSerializer()
    milestones = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, progress) -> list[dict]:
        return [{"name": name, "date": day.isoformat()} for name, day in progress.milestones]

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, progress) -> list[dict]:
        return [{"number": number, "title": title} for number, title in progress.outcomes]


SNAPSHOT_SCHEMA = {
    "type": "object",
    "description": "The public snapshot: the one document the map reads (schema, as_of, "
    "demo_data, campaign, ladder, domains, partners, states).",
    "properties": {
        "schema": {"type": "integer"},
        "as_of": {"type": "string", "format": "date-time"},
        "demo_data": {"type": "boolean"},
        "states": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["schema", "as_of", "states"],
}

__all__ = [
    "SNAPSHOT_SCHEMA",
    "CampaignProgressSerializer",
    "CapabilitySerializer",
    "CountrySerializer",
    "DomainSerializer",
    "PartnerSerializer",
    "PledgeEventSerializer",
]


class ApiIndexEndpointSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(help_text="Absolute URL; {braces} mark a path parameter.")
    description = serializers.CharField()


class ApiIndexSerializer(serializers.Serializer):
    version = serializers.CharField()
    licence = serializers.CharField()
    docs = serializers.CharField()
    endpoints = ApiIndexEndpointSerializer(many=True)


# --- The pledge text ----------------------------------------------------------------------


class PledgeClauseTranslationSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=_("A UN language code (fr, es, ru, zh-hans, ar)."))
    formal_text = serializers.CharField()
    child_text = serializers.CharField()
    is_outdated = serializers.BooleanField(
        help_text=_("True when the English clause changed after this translation was made.")
    )


class PledgeClauseSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The clause's identity across versions."))
    number = serializers.IntegerField(help_text=_("Its place in this version (1, 2, …)."))
    formal_text = serializers.CharField(help_text=_("The formal wording, in English."))
    child_text = serializers.CharField(help_text=_("The child-friendly wording, in English."))
    change_note = serializers.CharField(help_text=_("What changed since the previous version."))
    translations = PledgeClauseTranslationSerializer(many=True, source="translations.all")


class PledgeTextSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["draft", "open", "final"])
    changelog = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    final_on = serializers.DateField(allow_null=True)
    is_placeholder = serializers.BooleanField()
    is_demo = serializers.BooleanField()
    clauses = PledgeClauseSerializer(many=True, source="clauses.all")
