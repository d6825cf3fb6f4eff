"""The Django admin for the registry and the campaign (interim staff UI beside the workspace)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import Campaign, Milestone, Outcome, Partner
from campaign.services import partner_verify
from pledges import services
from pledges.models import (
    Capability,
    CapabilityStatus,
    Country,
    DemoDataSet,
    MNRDomain,
    NationalStrategy,
    Pledge,
    PledgeClause,
    PledgeEvent,
    PledgeText,
    ReviewState,
    SecurityEvent,
    StaleEditError,
)


class LockedAdminMixin:
    """Carry the loaded version through the form so a stale save is refused (AUD-03)."""

    # A link typed without a scheme is taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "lock_version" in form.base_fields:
            form.base_fields["lock_version"].widget = forms.HiddenInput()
        return form

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and "lock_version" not in fields:
            fields.append("lock_version")
        if obj is None and "lock_version" in fields:
            fields.remove("lock_version")
        return fields

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except StaleEditError as exc:
            raise ValidationError(str(exc)) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)


class ReviewAdminMixin(LockedAdminMixin):
    """Four-eyes actions; review fields are read-only in forms."""

    review_readonly = (
        "review_state",
        "created_by",
        "created_at",
        "verified_by",
        "verified_at",
        "review_comment",
    )
    actions = ["verify_selected"]
    verify_service = None

    # What a record is about (its pledge, state or capability) is fixed once it is logged.
    subject_fields: tuple[str, ...] = ()

    # Append-only records (events, statuses) are never edited once verified: a correction is
    # a new record that goes through verification again.
    append_only = True

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.append_only and obj.review_state == ReviewState.VERIFIED:
            return [f.name for f in obj._meta.fields if f.name != "lock_version"]
        fixed = (*self.subject_fields, "is_demo") if obj is not None else ("is_demo",)
        return (*super().get_readonly_fields(request, obj), *self.review_readonly, *fixed)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif obj.review_state == ReviewState.VERIFIED and form.changed_data:
            # Editing a verified (in-place) record makes it a draft again: someone else
            # must verify it before the public sees it.
            obj.review_state = ReviewState.DRAFT
            obj.verified_by = None
            obj.verified_at = None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Verify the selected drafts (you must not be their author)"))
    def verify_selected(self, request, queryset):
        done = 0
        for record in queryset.filter(review_state=ReviewState.DRAFT):
            try:
                # The version in the list the action was taken from (the services require one).
                type(self).verify_service(
                    record=record, user=request.user, expected_lock_version=record.lock_version
                )
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{record}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)d verified.") % {"n": done}, messages.SUCCESS)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso3", "short_name", "region", "sub_region", "un_status", "m49")
    list_filter = ("un_status", "region", "sub_region")
    search_fields = ("iso3", "iso2", "short_name", "name_en", "name_fr", "name_es")
    ordering = ("short_name",)

    def has_change_permission(self, request, obj=None):
        return False  # reference data: changed only by load_reference_data

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CapabilityInline(admin.TabularInline):
    model = Capability
    extra = 0
    fields = ("key", "number", "name", "description")
    readonly_fields = fields
    can_delete = False


@admin.register(MNRDomain)
class MNRDomainAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "mnr_version")
    inlines = [CapabilityInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Capability)
class CapabilityAdmin(MNRDomainAdmin):
    list_display = ("key", "name", "domain", "mnr_version")
    list_filter = ("domain",)
    search_fields = ("key", "name", "description")
    inlines = []


class PledgeClauseInline(admin.StackedInline):
    model = PledgeClause
    extra = 0
    fields = ("number", "formal_text", "child_text", "lock_version")


@admin.register(PledgeText)
class PledgeTextAdmin(LockedAdminMixin, SimpleHistoryAdmin):
    list_display = ("version", "title", "status", "published_on", "is_placeholder")
    list_filter = ("status",)
    inlines = [PledgeClauseInline]


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    extra = 0
    fields = ("event_date", "from_status", "to_status", "review_state", "source_url", "verified_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(LockedAdminMixin, SimpleHistoryAdmin):
    list_display = ("country", "pledge_text", "status", "status_date", "verified_at", "is_demo")
    list_filter = ("status", "pledge_text", "is_demo", "country__region")
    search_fields = ("country__short_name", "country__iso3", "signed_by_office")
    list_select_related = ("country", "pledge_text")
    # The status is set only by verifying a status change, never typed in.
    readonly_fields = ("country", "pledge_text", "status", "status_date", "verified_at", "is_demo")
    inlines = [PledgeEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(PledgeEvent)
class PledgeEventAdmin(ReviewAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "pledge",
        "from_status",
        "to_status",
        "event_date",
        "review_state",
        "created_by",
        "verified_by",
        "is_demo",
    )
    list_filter = ("review_state", "to_status", "is_demo", "pledge__country__region")
    search_fields = ("pledge__country__short_name", "pledge__country__iso3", "source_title")
    list_select_related = ("pledge__country", "created_by", "verified_by")
    autocomplete_fields = ()
    readonly_fields = ("from_status",)
    subject_fields = ("pledge",)
    verify_service = staticmethod(
        lambda *, record, **kw: services.pledge_event_verify(event=record, **kw)
    )


@admin.register(CapabilityStatus)
class CapabilityStatusAdmin(ReviewAdminMixin, SimpleHistoryAdmin):
    list_display = ("country", "capability", "status", "review_state", "is_current", "is_demo")
    list_filter = ("review_state", "status", "is_current", "capability__domain", "is_demo")
    search_fields = ("country__short_name", "country__iso3", "capability__key", "capability__name")
    list_select_related = ("country", "capability")
    readonly_fields = ("is_current",)
    subject_fields = ("country", "capability")
    verify_service = staticmethod(services.capability_status_verify)


@admin.register(NationalStrategy)
class NationalStrategyAdmin(ReviewAdminMixin, SimpleHistoryAdmin):
    list_display = ("country", "status", "title", "year", "review_state", "is_current", "is_demo")
    list_filter = ("review_state", "status", "is_current", "references_mnr", "is_demo")
    search_fields = ("country__short_name", "country__iso3", "title")
    list_select_related = ("country",)
    readonly_fields = ("is_current",)
    subject_fields = ("country",)
    verify_service = staticmethod(services.national_strategy_verify)


@admin.register(DemoDataSet)
class DemoDataSetAdmin(admin.ModelAdmin):
    list_display = ("description", "seed", "loaded_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "user", "identifier", "ip_address", "path")
    list_filter = ("kind",)
    search_fields = ("identifier", "user__email", "path")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("pledges.view_security_log")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Campaign ---------------------------------------------------------------------------------


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("name", "date", "lock_version")


@admin.register(Campaign)
class CampaignAdmin(LockedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "pledge_text", "target_states", "launch_date")
    inlines = [MilestoneInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("number", "title")


def _partner_verify(*, record, **kw):
    return partner_verify(partner=record, **kw)


@admin.register(Partner)
class PartnerAdmin(ReviewAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "partner_type", "endorsement", "review_state", "works_globally")
    list_filter = ("partner_type", "endorsement", "review_state", "outcomes")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("capabilities", "countries", "outcomes")
    verify_service = staticmethod(_partner_verify)
    append_only = False
