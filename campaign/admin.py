from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import Campaign, Milestone, Outcome, Partner
from campaign.services import partner_verify
from pledges.admin import LockedAdminMixin, ReviewAdminMixin


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


def _partner_verify(*, record, user):
    return partner_verify(partner=record, user=user)


@admin.register(Partner)
class PartnerAdmin(ReviewAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "partner_type", "endorsement", "review_state", "works_globally")
    list_filter = ("partner_type", "endorsement", "review_state", "outcomes")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("capabilities", "countries", "outcomes")
    verify_service = staticmethod(_partner_verify)
    append_only = False
