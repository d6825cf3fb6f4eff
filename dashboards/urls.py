from django.urls import path, re_path

from dashboards import evidence, feeds, partners, pledge_text, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    re_path(r"^map/states\.(?P<fmt>csv|xlsx|json)$", views.states_download, name="states_download"),
    path("map/map.svg", views.map_svg_download, name="map_svg"),
    path("map/map.png", views.map_png_download, name="map_png"),
    path("cards/map.png", views.share_card_map, name="card_map"),
    re_path(
        r"^cards/countries/(?P<iso3>[A-Z]{3})\.png$",
        views.share_card_country,
        name="card_country",
    ),
    re_path(r"^countries/(?P<iso3>[A-Za-z]{3})/$", views.country, name="country"),
    path("compare/", views.compare, name="compare"),
    path("pledge/", pledge_text.pledge_current, name="pledge"),
    path("pledge/v/<int:version>/", pledge_text.pledge_version, name="pledge_version"),
    path("pledge/v/<int:version>/print/", pledge_text.pledge_print, name="pledge_print"),
    path("pledge/compare/", pledge_text.pledge_compare, name="pledge_compare"),
    path("embed/map/", views.embed_map, name="embed_map"),
    path("partners/", partners.partner_directory, name="partners"),
    path("partners/<slug:slug>/", partners.partner_page, name="partner"),
    path("embed/partners/<slug:slug>/", partners.embed_partner, name="embed_partner"),
    path("live/", views.live_wall, name="live_wall"),
    path("data/snapshot.json", views.snapshot_json, name="snapshot_json"),
    path("data/live.json", views.live_json, name="live_json"),
    path("feeds/changes.atom", feeds.VerifiedChangesFeed(), name="feed_changes"),
    re_path(
        r"^feeds/countries/(?P<iso3>[A-Za-z]{3})\.atom$",
        feeds.CountryChangesFeed(),
        name="feed_country",
    ),
    re_path(
        r"^feeds/regions/(?P<region>[A-Za-z]+)\.atom$",
        feeds.RegionChangesFeed(),
        name="feed_region",
    ),
    path("evidence/<path:name>", evidence.evidence_document, name="evidence_document"),
]
