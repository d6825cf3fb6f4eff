from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The admin login goes through allauth, so it gets the same rate limits and MFA (AUTH-03).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Global Pledge Tracker — staff"
admin.site.site_title = "Global Pledge Tracker"

# Language-neutral endpoints keep their unprefixed URLs (issue 14): the admin, the language
# switch, the open data API, the exports, the snapshot and live documents (the WSGI fast path
# in dashboards/wsgi.py depends on their paths), the spreadsheets and evidence documents.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dashboards.api.urls")),
    path("exports/", include("dashboards.exports_urls")),
    path("", include("dashboards.files_urls")),
]

# Every page people read is under its language: /en/, /fr/, /es/, /ru/, /zh-hans/, /ar/.
# An old unprefixed URL (/countries/GHA/, /staff/, /embed/map/?layer=...) is not found here,
# so LocaleMiddleware redirects it to the visitor's language (cookie, then Accept-Language,
# then English), query string kept: links and embeds already published keep working.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("staff/", include("staff.urls")),
    path("data/", include("dashboards.data_urls")),
    # The children's own pages (issue 10): join code, ideas, outcomes.
    path("draft/", include("drafting.urls")),
    path("", include("dashboards.urls")),
    prefix_default_language=True,
)

# A database outage on a staff page answers 503 "saving is unavailable" (OPS-02).
handler500 = "config.views.server_error"
# Our "page not found" page; config.middleware.NotFoundPageMiddleware shows it with DEBUG on.
handler404 = "config.views.page_not_found"
