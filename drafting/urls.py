"""The children's own pages, at /draft/. A child's link carries their secret token."""

from django.urls import path

from drafting import views

app_name = "drafting"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("s/<str:token>/", views.home, name="home"),
    path("s/<str:token>/suggest/", views.suggest, name="suggest"),
    path("s/<str:token>/ideas/", views.ideas, name="ideas"),
    path("s/<str:token>/ideas/<int:pk>/like/", views.like, name="like"),
    path("s/<str:token>/mine/", views.mine, name="mine"),
    path("s/<str:token>/mine/<int:pk>/remove/", views.withdraw, name="withdraw"),
    path("s/<str:token>/concern/", views.concern, name="concern"),
]
