"""Query filters of the open data API (django-filter). Values are validated positively.

Every filter either takes a value from a fixed list (an enum in the schema), a date, or a
code with a documented pattern; anything else is a 400 with the reason. A well-formed code
that matches nothing (an ISO3 no state has) gives an empty list, not an error.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField as FilterChoiceField
from drf_spectacular.utils import extend_schema_field

from campaign.selectors import PartnerType
from pledges.selectors import (
    M49_REGIONS,
    CapabilityStatusChoice,
    StrategyStatus,
    UNStatus,
    countries_with_capability,
    countries_with_pledge_status,
    countries_with_status_since,
    countries_with_strategy_status,
)

from .serializers import PLEDGE_STATUS_CHOICES

ISO3_PATTERN = r"^[A-Za-z]{3}$"
CAPABILITY_PATTERN = r"^mnr-\d{2}$"
SLUG_PATTERN = r"^[-a-z0-9_]{1,80}$"
TEXT_PATTERN = r"^[^\x00-\x1f]{1,120}$"


def pattern_filter(pattern: str, message: str, *, help_text: str, **kwargs):
    """A CharFilter whose value must match `pattern`, documented as such in the schema."""

    @extend_schema_field({"type": "string", "pattern": pattern, "description": help_text})
    class PatternFilter(django_filters.CharFilter):
        pass

    return PatternFilter(validators=[RegexValidator(pattern, message)], **kwargs)


def iso3_filter(**kwargs):
    return pattern_filter(ISO3_PATTERN, _("Give a three-letter ISO3 code."), **kwargs)


def capability_filter(**kwargs):
    return pattern_filter(CAPABILITY_PATTERN, _("Give a key such as mnr-03."), **kwargs)


def slug_filter(**kwargs):
    return pattern_filter(SLUG_PATTERN, _("Give a key of lower-case letters and dashes."), **kwargs)


def text_filter(**kwargs):
    return pattern_filter(TEXT_PATTERN, _("Give up to 120 printable characters."), **kwargs)


def _choices(values) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in values]


class IsoDateFilter(django_filters.DateFilter):
    """A date in ISO 8601 form (YYYY-MM-DD) only, as the schema says."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 32767})
class SmallIntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 32767)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class BooleanChoiceFilter(django_filters.ChoiceFilter):
    """`true` or `false`, nothing else (django-filter's boolean ignores unknown words)."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [("true", "true"), ("false", "false")]
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


class CaseInsensitiveChoiceField(FilterChoiceField):
    """A choice given in any case is the choice as spelt in the list (`africa` → `Africa`)."""

    def to_python(self, value):
        value = super().to_python(value)
        spelt = {str(key).casefold(): key for key, _label in self.choices}
        return spelt.get(value.casefold(), value)


class RegionFilter(django_filters.ChoiceFilter):
    """An M49 region, in any case."""

    field_class = CaseInsensitiveChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", _choices(M49_REGIONS))
        kwargs.setdefault("help_text", _("M49 region, e.g. Africa (any case)."))
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given with an empty value is an error, not "no filter"."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and not str(self.data.get(name, "")).strip():
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid

    @property
    def pledge_text_id(self) -> int | None:
        return getattr(self.request, "open_data_pledge_text_id", None)


class CountryFilter(StrictFilterSet):
    region = RegionFilter()
    sub_region = text_filter(
        field_name="sub_region", lookup_expr="iexact", help_text=_("M49 sub-region.")
    )
    un_status = django_filters.ChoiceFilter(choices=_choices(UNStatus.values))
    status = django_filters.ChoiceFilter(
        choices=_choices(PLEDGE_STATUS_CHOICES),
        method="filter_status",
        help_text=_("Verified pledge status; 'no_information' for states with none."),
    )
    status_since_from = IsoDateFilter(
        method="filter_since", help_text=_("Status changed on or after this date.")
    )
    status_since_to = IsoDateFilter(
        method="filter_since", help_text=_("Status changed on or before this date.")
    )
    strategy = django_filters.ChoiceFilter(
        choices=_choices(StrategyStatus.values),
        method="filter_strategy",
        help_text=_("Status of the current national strategy."),
    )
    capability = capability_filter(
        method="filter_noop",
        help_text=_(
            "MNR capability key. Alone: states with public information on it; with "
            "capability_status: states with that status for it."
        ),
    )
    capability_status = django_filters.ChoiceFilter(
        choices=_choices(CapabilityStatusChoice.values),
        method="filter_noop",
        help_text=_("Capability status (of `capability`, or of any capability)."),
    )

    class Meta:
        fields: list[str] = []

    def filter_noop(self, queryset, name, value):
        return queryset  # combined in filter_queryset below

    def filter_status(self, queryset, name, value):
        return countries_with_pledge_status(
            queryset, statuses=[value], pledge_text_id=self.pledge_text_id
        )

    def filter_since(self, queryset, name, value):
        return queryset  # combined in filter_queryset below

    def filter_strategy(self, queryset, name, value):
        return countries_with_strategy_status(queryset, status=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        since_from, since_to = data.get("status_since_from"), data.get("status_since_to")
        if since_from or since_to:
            queryset = countries_with_status_since(
                queryset,
                pledge_text_id=self.pledge_text_id,
                since_from=since_from,
                since_to=since_to,
            )
        key, status = data.get("capability") or None, data.get("capability_status") or None
        if key or status:
            queryset = countries_with_capability(queryset, capability_key=key, status=status)
        return queryset


class PledgeEventFilter(StrictFilterSet):
    country = iso3_filter(method="filter_country", help_text=_("ISO3 code of the state."))
    region = RegionFilter(field_name="pledge__country__region")
    sub_region = text_filter(
        field_name="pledge__country__sub_region",
        lookup_expr="iexact",
        help_text=_("M49 sub-region."),
    )
    status = django_filters.ChoiceFilter(
        field_name="to_status",
        choices=_choices(PLEDGE_STATUS_CHOICES[:-1]),
        help_text=_("The status the state moved to."),
    )
    date_from = IsoDateFilter(
        field_name="event_date", lookup_expr="gte", help_text=_("Changes on or after this date.")
    )
    date_to = IsoDateFilter(
        field_name="event_date", lookup_expr="lte", help_text=_("Changes on or before this date.")
    )
    pledge_text_version = SmallIntegerFilter(
        field_name="pledge__pledge_text__version",
        help_text=_("Version of the pledge text the change concerns."),
    )

    class Meta:
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(pledge__country_id=value.upper())


class CapabilityFilter(StrictFilterSet):
    domain = slug_filter(field_name="domain__key", help_text=_("MNR domain key."))

    class Meta:
        fields: list[str] = []


class PartnerFilter(StrictFilterSet):
    type = django_filters.ChoiceFilter(
        field_name="partner_type", choices=_choices(PartnerType.values)
    )
    country = iso3_filter(
        method="filter_country", help_text=_("ISO3 code of a state the partner works in.")
    )
    region = RegionFilter(
        method="filter_region",
        help_text=_("Partners working in at least one state of this M49 region (any case)."),
    )
    capability = capability_filter(
        method="filter_capability", help_text=_("MNR capability key the partner supports.")
    )
    domain = slug_filter(
        method="filter_domain", help_text=_("Partners supporting a capability of this domain.")
    )
    works_globally = BooleanChoiceFilter(help_text=_("Partners that work globally."))

    class Meta:
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(countries__iso3=value.upper()).distinct()

    def filter_region(self, queryset, name, value):
        return queryset.filter(countries__region=value).distinct()

    def filter_capability(self, queryset, name, value):
        return queryset.filter(capabilities__key=value).distinct()

    def filter_domain(self, queryset, name, value):
        return queryset.filter(capabilities__domain__key=value).distinct()
