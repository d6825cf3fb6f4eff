from django.urls import path

from staff import (
    account_views,
    campaign_views,
    drafting_views,
    engagement_views,
    pledge_text_views,
    pledge_translation_views,
    views,
)

app_name = "staff"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("invite/", account_views.staff_invite_view, name="staff_invite"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso3>/", views.country_workspace, name="country_workspace"),
    path("countries/<str:iso3>/history/", views.country_history, name="country_history"),
    path("countries/<str:iso3>/pledge/new/", views.pledge_event_new, name="pledge_event_new"),
    path(
        "countries/<str:iso3>/capabilities/<str:key>/new/",
        views.capability_status_new,
        name="capability_status_new",
    ),
    path(
        "countries/<str:iso3>/strategy/new/",
        views.national_strategy_new,
        name="national_strategy_new",
    ),
    path(
        "countries/<str:iso3>/reports/new/",
        views.progress_report_new,
        name="progress_report_new",
    ),
    path("drafts/<str:kind>/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/batch/verify/", views.review_batch_verify, name="review_batch_verify"),
    path("review/<str:kind>/<int:pk>/", views.review_detail, name="review_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("imports/", views.import_index, name="import_index"),
    path("imports/<str:kind>/", views.import_upload, name="import_upload"),
    path("imports/<str:kind>/apply/", views.import_apply_view, name="import_apply"),
    path(
        "imports/<str:kind>/jobs/<uuid:job_id>/progress.json",
        views.import_job_progress,
        name="import_job_progress",
    ),
    path("imports/<str:kind>/template.csv", views.import_template, name="import_template"),
    path("pledge-text/", pledge_text_views.pledge_text_list, name="pledge_text_list"),
    path("pledge-text/new/", pledge_text_views.pledge_text_new, name="pledge_text_new"),
    path(
        "pledge-text/<int:version>/",
        pledge_text_views.pledge_text_edit,
        name="pledge_text_edit",
    ),
    path(
        "pledge-text/<int:version>/translations/",
        pledge_translation_views.pledge_translation_list,
        name="pledge_translation_list",
    ),
    path(
        "pledge-text/<int:version>/translations/<int:clause>/<str:language>/",
        pledge_translation_views.pledge_translation_edit,
        name="pledge_translation_edit",
    ),
    path("dashboard/", campaign_views.staff_dashboard, name="staff_dashboard"),
    path("campaign/", campaign_views.campaign_settings, name="campaign_settings"),
    path(
        "campaign/milestones/new/",
        campaign_views.campaign_milestone_add,
        name="campaign_milestone_add",
    ),
    path(
        "campaign/milestones/<int:pk>/remove/",
        campaign_views.campaign_milestone_remove,
        name="campaign_milestone_remove",
    ),
    path("engagements/", engagement_views.engagement_list, name="engagement_list"),
    path("engagements/new/", engagement_views.engagement_new, name="engagement_new"),
    path("engagements/<int:pk>/edit/", engagement_views.engagement_edit, name="engagement_edit"),
    # Children's co-drafting: the facilitator console (issue 10)
    path("sessions/", drafting_views.session_list, name="session_list"),
    path("sessions/new/", drafting_views.session_new, name="session_new"),
    path("sessions/<int:pk>/", drafting_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", drafting_views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/status/", drafting_views.session_status, name="session_status"),
    path(
        "sessions/<int:pk>/children/<int:participant>/",
        drafting_views.participant_action,
        name="participant_action",
    ),
    path("sessions/<int:pk>/sheet/", drafting_views.session_sheet, name="session_sheet"),
    path(
        "sessions/<int:pk>/moderation/",
        drafting_views.session_moderation,
        name="session_moderation",
    ),
    path("sessions/<int:pk>/outcomes/", drafting_views.session_outcomes, name="session_outcomes"),
]
