from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.engagement_list, name="engagement_list"),
    path("new/", views.engagement_new, name="engagement_new"),
    path("<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
]
