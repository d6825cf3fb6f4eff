from django.urls import path

from dashboards import open_data_views as views

app_name = "open_data"

# Exactly /data/: /data/snapshot.json belongs to the public snapshot view (dashboards.urls).
urlpatterns = [
    path("", views.data_page, name="data"),
]
