from django.urls import path, re_path

from . import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", views.ApiIndex.as_view(), name="index"),
    path("v1/countries/", views.CountryList.as_view(), name="country-list"),
    path("v1/countries/<str:iso3>/", views.CountryDetail.as_view(), name="country-detail"),
    path("v1/pledge-events/", views.PledgeEventList.as_view(), name="pledge-event-list"),
    path(
        "v1/pledge-events/<str:id>/", views.PledgeEventDetail.as_view(), name="pledge-event-detail"
    ),
    path("v1/mnr/domains/", views.DomainList.as_view(), name="domain-list"),
    path("v1/mnr/domains/<str:key>/", views.DomainDetail.as_view(), name="domain-detail"),
    path("v1/mnr/capabilities/", views.CapabilityList.as_view(), name="capability-list"),
    path(
        "v1/mnr/capabilities/<str:key>/", views.CapabilityDetail.as_view(), name="capability-detail"
    ),
    path("v1/partners/", views.PartnerList.as_view(), name="partner-list"),
    path("v1/partners/<str:slug>/", views.PartnerDetail.as_view(), name="partner-detail"),
    path("v1/pledge-texts/", views.PledgeTextList.as_view(), name="pledge-text-list"),
    path(
        "v1/pledge-texts/<str:version>/",
        views.PledgeTextDetail.as_view(),
        name="pledge-text-detail",
    ),
    path("v1/campaign/", views.CampaignProgressView.as_view(), name="campaign"),
    path("v1/snapshot/", views.SnapshotView.as_view(), name="snapshot"),
    re_path(r"^v1/", views.NotFoundView.as_view(), name="not-found"),
]
