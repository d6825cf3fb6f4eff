import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# GET /data/snapshot.json is answered before Django's middleware (see dashboards/wsgi.py).
from dashboards.wsgi import snapshot_fast_path  # noqa: E402

application = snapshot_fast_path(application)
