from django.urls import path, re_path

from dashboards import evidence, views

app_name = "files"

# Language-neutral documents, outside the language prefix (config/urls.py): their URLs are
# published, and the WSGI fast path (dashboards/wsgi.py) matches /data/snapshot.json and
# /data/live.json exactly. The spreadsheets' column notes follow the visitor's language
# (cookie or Accept-Language); their data does not change with it.
urlpatterns = [
    re_path(r"^map/states\.(?P<fmt>csv|xlsx|json)$", views.states_download, name="states_download"),
    path("data/snapshot.json", views.snapshot_json, name="snapshot_json"),
    path("data/live.json", views.live_json, name="live_json"),
    path("evidence/<path:name>", evidence.evidence_document, name="evidence_document"),
]
