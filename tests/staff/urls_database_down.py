"""Test-only URLs: a staff view that loses the database half-way through a write."""

from django.db import OperationalError, transaction
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from pledges.models import SecurityEvent, SecurityEventKind


def half_written(request):
    with transaction.atomic():
        SecurityEvent.objects.create(kind=SecurityEventKind.EXPORT, path="first half")
        raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("staff/half-written/", half_written),
    path("public/half-written/", half_written),
    *project_urlpatterns,
]
handler500 = "config.views.server_error"
