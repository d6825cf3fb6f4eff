"""The Django admin for the registry and the campaign (interim staff UI beside the workspace)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import Campaign, Milestone, Outcome, Partner
from campaign.services import partner_create
from drafting import selectors as drafting_selectors
from drafting.models import ConcernReport, DraftingSession, Participant, Suggestion, SuggestionUse
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
    Revision,
    SecurityEvent,
    StaleEditError,
)
from pledges.roles import Role
from staff.accounts import staff_roles_set

# Deleting is a change with no four eyes and no "why": no one deletes through the admin.
admin.site.disable_action("delete_selected")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to whoever may view it; written only by the services, commands or fixtures."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only, with the history of every change (who, when, what, why)."""


class ReviewLinkMixin:
    """Drafts are verified in the workspace's review page, which shows the evidence and
    the version the verifier saw; the admin only links there."""

    review_kind = ""

    @admin.display(description=_("review"))
    def review_link(self, obj):
        if obj.review_state != ReviewState.DRAFT:
            return "—"
        url = reverse("staff:review_detail", args=[self.review_kind, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Review in the workspace"))


class ServiceForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class ThroughServicesAdmin(SimpleHistoryAdmin):
    """Every save goes through the domain services (issue 8): an edit of a draft revises it
    (its author only), an edit of a published record proposes a revision that a different
    person verifies, and a new record is created as a draft. The services check the
    permission, four eyes and the version loaded; the admin shows their answer."""

    form = ServiceForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    review_readonly = (
        "review_state",
        "created_by",
        "created_at",
        "last_changed_by",
        "verified_by",
        "verified_at",
        "review_comment",
        "is_demo",
    )
    # What a record is, once created (its identity in URLs, its subject).
    fixed_fields: tuple[str, ...] = ()

    def create_through_service(self, *, request, values: dict, m2m: dict, reason: str):
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "lock_version" in form.base_fields:
            form.base_fields["lock_version"].widget = forms.HiddenInput()
        return form

    def get_fields(self, request, obj=None):
        fields = [
            f for f in super().get_fields(request, obj) if f not in ("lock_version", "reason")
        ]
        if obj is not None:
            fields.append("lock_version")
        return [*fields, "reason"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        readonly += [f for f in self.review_readonly if hasattr(self.model, f)]
        if obj is not None:
            readonly += list(self.fixed_fields)
            if getattr(obj, "review_state", ReviewState.VERIFIED) == ReviewState.VERIFIED:
                # A published record: only what a revision may change is editable.
                revisable = {
                    *getattr(self.model, "revisable_fields", ()),
                    *getattr(self.model, "revisable_m2m", ()),
                }
                readonly += [
                    f.name
                    for f in self.model._meta.get_fields()
                    if f.concrete
                    and f.editable
                    and f.name not in revisable
                    and f.name not in ("lock_version", "id")
                ]
        return list(dict.fromkeys(readonly))

    def _split(self, form) -> tuple[dict, dict]:
        values, m2m = {}, {}
        for name in form.changed_data:
            if name in ("lock_version", "reason"):
                continue
            field = self.model._meta.get_field(name)
            (m2m if field.many_to_many else values)[name] = form.cleaned_data[name]
        return values, m2m

    def save_model(self, request, obj, form, change):
        # Domain errors become messages, not exceptions: the admin runs this inside its own
        # transaction, and an exception would roll back the security-log row of a refusal.
        values, m2m = self._split(form)
        reason = form.cleaned_data.get("reason", "")
        try:
            if change:
                current = self.model._default_manager.get(pk=obj.pk)
                result = services.record_change(
                    record=current,
                    user=request.user,
                    expected_lock_version=form.cleaned_data["lock_version"],
                    values=values,
                    m2m=m2m,
                    reason=reason,
                )
            else:
                result = self.create_through_service(
                    request=request, values=values, m2m=m2m, reason=reason
                )
                obj.pk = result.pk
        except (PermissionDenied, ValidationError, StaleEditError) as exc:
            request.service_refusal = exc
            return
        request.service_result = result

    def save_related(self, request, form, formsets, change):
        """Many-to-many values went to the service with the rest; inlines are read-only."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def log_addition(self, request, obj, message):
        if getattr(request, "service_refusal", None) is None:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if getattr(request, "service_refusal", None) is None:
            super().log_change(request, obj, message)

    def _refusal_response(self, request, obj):
        exc = request.service_refusal
        if isinstance(exc, PermissionDenied):
            return HttpResponseForbidden(str(exc))
        text = str(exc) if isinstance(exc, StaleEditError) else " ".join(exc.messages)
        self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "service_refusal", None) is not None:
            return self._refusal_response(request, obj)
        self.message_user(
            request,
            _("Saved as a draft. It becomes public when a second person verifies it."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"admin:{self._url_prefix()}_changelist"))

    def response_change(self, request, obj):
        if getattr(request, "service_refusal", None) is not None:
            return self._refusal_response(request, obj)
        if isinstance(getattr(request, "service_result", None), Revision):
            text = _(
                "Your change awaits verification by a different person; the published "
                "version stays public, unchanged, until then."
            )
        else:
            text = _("Saved. It is back in the verification queue.")
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{self._url_prefix()}_changelist"))

    def _url_prefix(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Say, before anyone types, what saving will do to a published record."""
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and getattr(obj, "review_state", ReviewState.VERIFIED) == (
            ReviewState.VERIFIED
        ):
            self.message_user(
                request,
                _(
                    "This record is public. Saving proposes a revision: it stays as it is, "
                    "and public, until a different person verifies your change."
                ),
                messages.INFO,
            )
            waiting = services.revision_open_for(target=obj)
            if waiting is not None:
                self.message_user(
                    request,
                    _("A revision by %(who)s is awaiting verification (%(when)s).")
                    % {"who": waiting.created_by, "when": f"{waiting.created_at:%Y-%m-%d %H:%M}"},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)


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


class ReadOnlyInlineMixin:
    """An inline that shows related rows; they change through their own services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PledgeClauseInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = PledgeClause
    fields = ("number", "key", "formal_text", "child_text", "change_note")
    readonly_fields = fields


@admin.register(PledgeText)
class PledgeTextAdmin(ReadOnlyHistoryAdmin):
    """Read-only: versions are edited in the staff workspace and published from the
    verification queue (four eyes); a published version is immutable."""

    list_display = (
        "version",
        "title",
        "status",
        "review_state",
        "published_on",
        "final_on",
        "is_placeholder",
        "is_demo",
    )
    list_filter = ("status", "review_state", "is_demo")
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
class PledgeAdmin(ThroughServicesAdmin):
    """Who signed and the public note change through a verified revision; the status only
    through a verified status change (in the workspace)."""

    list_display = ("country", "pledge_text", "status", "status_date", "verified_at", "is_demo")
    list_filter = ("status", "pledge_text", "is_demo", "country__region")
    search_fields = ("country__short_name", "country__iso3", "signed_by_office")
    list_select_related = ("country", "pledge_text")
    fields = (
        "country",
        "pledge_text",
        "status",
        "status_date",
        "verified_at",
        "is_demo",
        *Pledge.revisable_fields,
    )
    inlines = [PledgeEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(PledgeEvent)
class PledgeEventAdmin(ReviewLinkMixin, ReadOnlyHistoryAdmin):
    review_kind = "pledge-event"
    list_display = (
        "pledge",
        "from_status",
        "to_status",
        "event_date",
        "review_state",
        "created_by",
        "verified_by",
        "is_demo",
        "review_link",
    )
    list_filter = ("review_state", "to_status", "is_demo", "pledge__country__region")
    search_fields = ("pledge__country__short_name", "pledge__country__iso3", "source_title")
    list_select_related = ("pledge__country", "created_by", "verified_by")


@admin.register(CapabilityStatus)
class CapabilityStatusAdmin(ReviewLinkMixin, ReadOnlyHistoryAdmin):
    review_kind = "capability-status"
    list_display = (
        "country",
        "capability",
        "status",
        "review_state",
        "is_current",
        "is_demo",
        "review_link",
    )
    list_filter = ("review_state", "status", "is_current", "capability__domain", "is_demo")
    search_fields = ("country__short_name", "country__iso3", "capability__key", "capability__name")
    list_select_related = ("country", "capability")


@admin.register(NationalStrategy)
class NationalStrategyAdmin(ReviewLinkMixin, ReadOnlyHistoryAdmin):
    review_kind = "national-strategy"
    list_display = (
        "country",
        "status",
        "title",
        "year",
        "review_state",
        "is_current",
        "is_demo",
        "review_link",
    )
    list_filter = ("review_state", "status", "is_current", "references_mnr", "is_demo")
    search_fields = ("country__short_name", "country__iso3", "title")
    list_select_related = ("country",)


@admin.register(Revision)
class RevisionAdmin(ReviewLinkMixin, ReadOnlyHistoryAdmin):
    review_kind = "revision"
    list_display = (
        "content_type",
        "object_id",
        "review_state",
        "created_by",
        "created_at",
        "verified_by",
        "review_link",
    )
    list_filter = ("review_state", "content_type")
    list_select_related = ("content_type", "created_by", "verified_by")


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


class MilestoneInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Milestone
    fields = ("name", "date")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(ThroughServicesAdmin):
    """The public settings (target, launch) change through a verified revision."""

    list_display = ("name", "pledge_text", "target_states", "launch_date")
    fields = ("slug", "pledge_text", *Campaign.revisable_fields)
    inlines = [MilestoneInline]

    def has_add_permission(self, request):
        return False


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ("number", "title")


@admin.register(Partner)
class PartnerAdmin(ReviewLinkMixin, ThroughServicesAdmin):
    review_kind = "partner"
    list_display = (
        "name",
        "partner_type",
        "endorsement",
        "review_state",
        "works_globally",
        "review_link",
    )
    list_filter = ("partner_type", "endorsement", "review_state", "outcomes")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("capabilities", "countries", "outcomes")
    fixed_fields = ("slug",)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def create_through_service(self, *, request, values, m2m, reason):
        return partner_create(user=request.user, reason=reason, **values, **m2m)


# --- Staff accounts -----------------------------------------------------------------------------

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Accounts are created by invitation; roles are the only way to grant access. Someone
    who is not a superuser cannot grant superuser or staff status or raw permissions, nor
    change a superuser's account or their own roles (AUTH-04)."""

    list_display = ("email", "first_name", "last_name", "is_active", "roles", "last_login")
    list_filter = ("is_active", "groups")
    PRIVILEGED = ("is_superuser", "is_staff", "user_permissions", "last_login", "date_joined")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_add_permission(self, request):
        return False  # invitation only (AUTH-01): /staff/invite/

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: history keeps naming the person

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += list(self.PRIVILEGED)
            if obj is not None and obj.pk == request.user.pk:
                readonly.append("groups")
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Role.ALL).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # Roles through the service (permission, no self-change, the security log).
        groups = form.cleaned_data.pop("groups", None) if "groups" in form.changed_data else None
        form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            staff_roles_set(actor=request.user, user=form.instance, roles=[g.name for g in groups])

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied(
                _("Staff set their own passwords, through the link of their invitation.")
            )
        return super().user_change_password(request, id, form_url)


# --- Children's co-drafting (issue 10): read-only; every write goes through the console and
# drafting.services. A facilitator sees only their own sessions, as everywhere (AUTH-04).


class DraftingScopedAdmin(ReadOnlyAdmin):
    session_path = "session"

    def get_queryset(self, request):
        sessions = drafting_selectors.sessions_for(user=request.user)
        return super().get_queryset(request).filter(**{f"{self.session_path}__in": sessions})


@admin.register(DraftingSession)
class DraftingSessionAdmin(DraftingScopedAdmin, SimpleHistoryAdmin):
    list_display = ("title", "status", "age_band", "language", "region", "facilitator", "is_demo")
    list_filter = ("status", "age_band", "is_demo")
    exclude = ("join_code",)

    def get_queryset(self, request):
        return drafting_selectors.sessions_for(user=request.user)


@admin.register(Participant)
class ParticipantAdmin(DraftingScopedAdmin):
    # The link token's hash is never shown: it is the child's key, not staff data.
    list_display = ("pseudonym", "session", "status", "joined_at")
    list_filter = ("status",)
    exclude = ("token_hash",)


@admin.register(Suggestion)
class SuggestionAdmin(DraftingScopedAdmin, SimpleHistoryAdmin):
    list_display = ("pk", "session", "status", "clause_key", "outcome", "created_at")
    list_filter = ("status", "outcome")


@admin.register(ConcernReport)
class ConcernReportAdmin(DraftingScopedAdmin):
    list_display = ("pk", "session", "created_at", "handled_at")


@admin.register(SuggestionUse)
class SuggestionUseAdmin(DraftingScopedAdmin):
    session_path = "suggestion__session"
    list_display = ("clause", "suggestion", "linked_by", "linked_at")
