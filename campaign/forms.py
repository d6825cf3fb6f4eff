from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Engagement
from pledges.forms import DateInput


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
            "next_step",
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

    def model_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
