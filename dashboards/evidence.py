"""Evidence documents, opened by who may see them (the rule: pledges.selectors).

One URL for everyone: the public follows it from a verified record (the API's
`document_url`, the country page), staff from a draft they review. A document the asker may
not open answers 404, the same as one that does not exist. Never page-cached
(dashboards.pagecache): the answer depends on who asks.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from pledges.selectors import evidence_document_get

# A verified record's document: browsers and a CDN may keep it a few minutes, so that
# withdrawing it takes effect soon.
PUBLIC_MAX_AGE = 300


@require_safe
def evidence_document(request, name: str):
    document = evidence_document_get(user=request.user, name=name)
    if document is None:
        raise Http404
    try:
        handle = document.open()
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered by the browser: an uploaded file cannot become a
    # page of ours (FileResponse writes Content-Disposition per RFC 6266).
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if document.is_public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
