from django.urls import path, re_path

from dashboards import open_data_views as views

app_name = "exports"

urlpatterns = [
    path("", views.exports_index, name="index"),
    path("releases.json", views.releases_json, name="releases"),
    re_path(r"^latest(?P<suffix>\.csv\.zip|\.xlsx|\.json)$", views.latest_file, name="latest"),
    path("releases/<str:release_id>/<str:filename>", views.release_file, name="release-file"),
]
