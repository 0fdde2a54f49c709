"""SENDFILE_BACKEND for Wagtail's document serve view: the same X-Accel-Redirect scheme as core.views.protected_media.

Wagtail checks the user (and the document's privacy) before calling this backend. When
PASSINNOV_MEDIA_ACCEL_REDIRECT is set, nginx sends the bytes from an `internal` location; otherwise Django
streams the file itself (development, tests).
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from wagtail.utils import sendfile_streaming_backend


class AccelRedirectResponse(HttpResponse):
    """An empty response nginx replaces with the file: wagtail.utils.sendfile must not announce the file's length."""

    def __setitem__(self, header, value):
        if header.lower() == "content-length":
            return
        super().__setitem__(header, value)


def sendfile(request, filename, **kwargs):
    accel = settings.PASSINNOV_MEDIA_ACCEL_REDIRECT
    if not accel:
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    root = Path(settings.MEDIA_ROOT).resolve()
    target = Path(filename).resolve()
    if root not in target.parents:
        raise Http404
    response = AccelRedirectResponse(content_type=kwargs.get("mimetype") or "application/octet-stream")
    response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + target.relative_to(root).as_posix()
    response["Cache-Control"] = "private, max-age=3600"
    return response
