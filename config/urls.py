from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin login goes through allauth, so it gets the same rate limits and MFA (AUTH-03).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Global Pledge Tracker — staff"
admin.site.site_title = "Global Pledge Tracker"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("staff.urls")),
    path("api/", include("dashboards.api.urls")),
    path("exports/", include("dashboards.exports_urls")),
    path("data/", include("dashboards.data_urls")),
    # The children's own pages (issue 10): join code, ideas, outcomes.
    path("draft/", include("drafting.urls")),
    path("", include("dashboards.urls")),
]

# A database outage on a staff page answers 503 "saving is unavailable" (OPS-02).
handler500 = "config.views.server_error"
# Our "page not found" page; config.middleware.NotFoundPageMiddleware shows it with DEBUG on.
handler404 = "config.views.page_not_found"
