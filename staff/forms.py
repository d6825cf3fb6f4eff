"""Staff workspace forms. They validate; the services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Engagement, Milestone, MilestoneKind, Outcome, Partner
from drafting.models import DraftingSession
from drafting.models import Outcome as SuggestionOutcome
from drafting.services import SESSION_FIELDS
from pledges.models import (
    CapabilityStatus,
    Country,
    NationalStrategy,
    PledgeEvent,
    PledgeText,
    PledgeTextStatus,
    ProgressReport,
    ReviewState,
)
from pledges.selectors import M49_REGIONS, countries_collated, country_name

# What an evidence document may be, recognised by its first bytes (not by its name).
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


def evidence_file_type(upload) -> str | None:
    """The content type recognised from the file's magic bytes, or None."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    for content_type, (signature, _extensions) in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def evidence_file_validate(upload) -> None:
    """A PDF, PNG or JPEG up to EVIDENCE_MAX_UPLOAD_BYTES, by content and name (SEC-05)."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The document is %(size).1f MB; the limit is %(limit)d MB."),
            params={"size": upload.size / 1_048_576, "limit": limit // 1_048_576},
            code="too_large",
        )
    content_type = evidence_file_type(upload)
    if content_type is None:
        raise ValidationError(
            _("Upload a PDF, PNG or JPEG file: this file's content is none of these."),
            code="bad_type",
        )
    name = (upload.name or "").lower()
    if not name.endswith(EVIDENCE_SIGNATURES[content_type][1]):
        raise ValidationError(
            _("The file's name does not match its content (%(type)s): rename it and retry."),
            params={"type": content_type},
            code="name_mismatch",
        )


EVIDENCE_FIELDS = [
    "source_url",
    "source_document",
    "source_title",
    "source_publisher",
    "source_date",
]


def formfield_for(field, **kwargs):
    """Model fields to form fields; links without a scheme are read as https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class CountryChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's states in the page's language: by their names there, in its collation (the
    order the public lists use), not by the English name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for country in countries_collated(self.queryset, get_language()):
            yield self.choice(country)


def states_in_language(field: forms.ModelChoiceField) -> None:
    """Make a country field (single or multiple) list its states as CountryChoiceIterator does."""
    field.iterator = CountryChoiceIterator
    field.label_from_instance = lambda country: country_name(country, get_language())
    # the widget took its choices when the queryset was set: give it the new iterator's
    field.queryset = field.queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StaffForm(forms.ModelForm):
    """Shared behaviour: evidence checks, a "why" for the history, the loaded version."""

    reason = forms.CharField(
        label=_("Why (for the history, not public)"),
        max_length=300,
        required=False,
        help_text=_("e.g. 'Announced at the Human Rights Council'."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version
            self.fields["lock_version"].required = True
        if "source_document" in self.fields:
            self.fields["source_document"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"

    def clean_source_document(self):
        upload = self.cleaned_data.get("source_document")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            evidence_file_validate(upload)
        return upload

    def evidence_values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in EVIDENCE_FIELDS}
        values["source_url"] = values["source_url"] or ""
        values["source_title"] = values["source_title"] or ""
        values["source_publisher"] = values["source_publisher"] or ""
        if not values["source_document"] or not hasattr(values["source_document"], "content_type"):
            values["source_document"] = None  # keep the stored file, if any
        return values

    def model_values(self) -> dict:
        """The cleaned model fields, ready for a service call."""
        values = {
            name: self.cleaned_data.get(name)
            for name in self._meta.fields
            if name not in EVIDENCE_FIELDS
        }
        values.update(self.evidence_values())
        return values


class PledgeEventForm(StaffForm):
    class Meta:
        model = PledgeEvent
        formfield_callback = formfield_for
        fields = ["to_status", "event_date", *EVIDENCE_FIELDS, "note"]
        labels = {"to_status": _("New status")}
        widgets = {
            "event_date": DateInput(),
            "source_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class CapabilityStatusForm(StaffForm):
    class Meta:
        model = CapabilityStatus
        formfield_callback = formfield_for
        fields = ["status", *EVIDENCE_FIELDS, "note"]
        widgets = {"source_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class NationalStrategyForm(StaffForm):
    class Meta:
        model = NationalStrategy
        formfield_callback = formfield_for
        fields = [
            "status",
            "title",
            "year",
            "link",
            "references_mnr",
            *EVIDENCE_FIELDS,
            "note",
        ]
        widgets = {"source_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class ProgressReportForm(StaffForm):
    class Meta:
        model = ProgressReport
        formfield_callback = formfield_for
        fields = ["report_date", "title", "summary", *EVIDENCE_FIELDS]
        widgets = {
            "report_date": DateInput(),
            "source_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class ReviewForm(forms.Form):
    """A verifier's decision on a draft, made on the version they saw."""

    VERIFY = "verify"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (VERIFY, _("Verify: the evidence supports it")),
            (RETURN, _("Return to the author")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required when you return a change: say what needs fixing."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs fixing."))
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_("UTF-8 (with or without BOM), comma or semicolon separated; up to 5 MB."),
    )
    sheet = forms.CharField(
        label=_("Sheet (Excel only)"),
        required=False,
        max_length=100,
        help_text=_(
            "The name of the sheet to import, when the workbook has data on more than one "
            "sheet; leave empty otherwise."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: split it and import in parts."))
        return upload


IMPORT_MAX_BYTES = 5 * 1024 * 1024


class EngagementForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Engagement
        fields = [
            "country",
            "institution",
            "date",
            "channel",
            "outcome",
            "owner",
            "next_step",
            "follow_up_owner",
            "follow_up_due",
            "follow_up_done",
            "pledge_stage",
        ]
        widgets = {
            "date": DateInput(),
            "follow_up_due": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"outcome": _("What was said or agreed. Staff only: never public.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version
            self.fields["lock_version"].required = True
        states_in_language(self.fields["country"])
        # Owners are active staff members (issue 11, item 6).
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        for name in ("owner", "follow_up_owner"):
            self.fields[name].queryset = staff
            self.fields[name].label_from_instance = lambda user: user.get_username()

    def model_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PartnerForm(forms.ModelForm):
    """A change to a partner: on a published one it becomes a revision that a second person
    verifies; the published partner stays as it is until then."""

    reason = forms.CharField(
        label=_("Why (for the history, not public)"),
        max_length=300,
        required=False,
        help_text=_("e.g. 'Name corrected after their rebranding'."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Partner
        formfield_callback = formfield_for
        fields = [*Partner.revisable_fields, *Partner.revisable_m2m]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "coi_disclosure": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.CheckboxSelectMultiple,
            "capabilities": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "countries": _("Hold Ctrl (or ⌘) to choose more than one."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        states_in_language(self.fields["countries"])

    def model_values(self) -> tuple[dict, dict]:
        """(field values, many-to-many values), ready for services.record_change."""
        values = {name: self.cleaned_data[name] for name in Partner.revisable_fields}
        m2m = {name: list(self.cleaned_data[name]) for name in Partner.revisable_m2m}
        return values, m2m


# --- The pledge text -------------------------------------------------------------------------


class PledgeTextDetailsForm(forms.Form):
    """A draft version's title, status, changelog and placeholder flag."""

    title = forms.CharField(label=_("Title"), max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PledgeTextStatus.choices,
        help_text=_(
            "Draft: being written. Open: children may suggest changes. Final: the text "
            "states sign (its date is recorded when it is published)."
        ),
    )
    changelog = forms.CharField(
        label=_("What changed in this version"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public page with the version."),
    )
    is_placeholder = forms.BooleanField(
        label=_("Placeholder text (shown as provisional)"), required=False
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClauseWordingForm(forms.Form):
    """A clause's two wordings, formal and child-friendly, and the version the editor saw:
    as a clause of the English text, or as its translation into another UN language."""

    formal_text = forms.CharField(
        label=_("Formal text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    child_text = forms.CharField(
        label=_("Child-friendly text"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short sentences and everyday words: aim at readers aged 10 to 12."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PledgeClauseForm(ClauseWordingForm):
    """A clause: the formal wording and the child-friendly one, aligned."""

    change_note = forms.CharField(
        label=_("Why it changed (public)"),
        max_length=300,
        required=False,
        help_text=_("What changed in this clause since the previous version, and why."),
    )
    position = forms.IntegerField(
        label=_("Place in the text"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to add it at the end."),
    )


class PledgeClauseMoveForm(forms.Form):
    position = forms.IntegerField(label=_("Move to place"), min_value=1)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LockVersionForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClauseTranslationForm(ClauseWordingForm):
    """A clause in another UN language: both wordings, and the version the editor saw."""


class CampaignSettingsForm(forms.ModelForm):
    """The campaign's settings. Saved, they become a revision that a second person verifies;
    the published campaign stays as it is until then."""

    reason = forms.CharField(
        label=_("Why (for the history, not public)"),
        max_length=300,
        required=False,
        help_text=_("e.g. 'Target raised after the regional meetings'."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Campaign
        formfield_callback = formfield_for
        fields = [
            "name",
            "target_states",
            "launch_date",
            "launch_event",
            "report_first_months",
            "report_interval_months",
            "target_countries",
        ]
        widgets = {
            "launch_date": DateInput,
            "target_countries": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "target_countries": _("Hold Ctrl (or ⌘) to choose more than one."),
        }

    def __init__(self, *args, confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        states_in_language(self.fields["target_countries"])
        self.outcomes = list(Outcome.objects.order_by("number"))
        actions = self.instance.outcome_actions or {}
        initial_actions = self.initial.get("outcome_actions", actions)
        for outcome in self.outcomes:
            self.fields[f"actions_{outcome.number}"] = forms.CharField(
                label=_("Actions under outcome %(number)d: %(title)s")
                % {"number": outcome.number, "title": outcome.title},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=initial_actions.get(str(outcome.number), ""),
            )
        if confirm:
            # Shown once the service has said the target is below the pledged count.
            self.fields["confirm_below_pledged"] = forms.BooleanField(
                label=_("Yes, propose a target below the number of states already pledged"),
                required=False,
            )

    def model_values(self) -> tuple[dict, dict]:
        """(field values, many-to-many values), ready for the campaign service."""
        values = {
            name: self.cleaned_data[name]
            for name in (
                "name",
                "target_states",
                "launch_date",
                "launch_event",
                "report_first_months",
                "report_interval_months",
            )
        }
        values["outcome_actions"] = {
            str(o.number): text
            for o in self.outcomes
            if (text := self.cleaned_data.get(f"actions_{o.number}", "").strip())
        }
        return values, {"target_countries": list(self.cleaned_data["target_countries"])}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        formfield_callback = formfield_for
        fields = ["name", "date", "kind"]
        widgets = {"date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = MilestoneKind.UN_EVENT


# --- Children's co-drafting sessions (issue 10) -----------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DraftingSessionForm(forms.ModelForm):
    """A session's settings. drafting.services.session_create / session_update decide."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = DraftingSession
        fields = list(SESSION_FIELDS)
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "consent_reference": forms.TextInput(),
        }
        help_texts = {
            "safeguarding_contact": _(
                "Who in the room or the partner organisation acts on a safeguarding concern "
                "(a role and how to reach them)."
            ),
            "helpline": _("A child helpline for the session's country, e.g. “Childline 116 111”."),
            "opens_at": _("Optional. Children can join only from this time."),
            "closes_at": _("Optional. After this time children can no longer send ideas."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version
            self.fields["lock_version"].required = True
        self.fields["pledge_text"].queryset = PledgeText.objects.filter(
            review_state=ReviewState.VERIFIED
        ).order_by("-version")
        self.fields["pledge_text"].label_from_instance = lambda t: (
            _("Version %(version)s: %(title)s") % {"version": t.version, "title": t.title}
        )
        country = self.fields["country"]
        country.queryset = Country.objects.all()
        country.to_field_name = "iso3"
        states_in_language(country)
        self.fields["region"] = forms.ChoiceField(
            label=self.fields["region"].label,
            required=False,
            choices=[("", _("(the country's region)")), *((r, _(r)) for r in M49_REGIONS)],
            help_text=_("Children's words are credited to “a young person from <region>”."),
        )
        for name in ("consent_basis", "consent_reference", "safeguarding_contact"):
            self.fields[name].help_text = " ".join(
                filter(
                    None,
                    (
                        str(self.fields[name].help_text),
                        str(_("Needed before the session can open.")),
                    ),
                )
            )

    def model_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS}


class OutcomeForm(forms.Form):
    """What became of one child's idea (CH-09); suggestion_outcome_set decides."""

    suggestion = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in SuggestionOutcome.choices if c[0]], required=True
    )
    outcome_reason = forms.CharField(
        label=_("Reason, written for the child"), max_length=500, required=False
    )
    merged_into = forms.IntegerField(label=_("Joined with idea number"), required=False)
