"""How uploaded files are served: an upload never runs as the site.

Editors upload images, videos, captions and documents; whoever opens one (an agent, an administrator) must not
run code the file carries on the site's origin. So every upload is served with `X-Content-Type-Options:
nosniff` and a Content-Security-Policy that forbids everything (`default-src 'none'; sandbox`: no script, no
form, no plugin, an opaque origin), and:

- what pages embed (raster images, videos, audio, WebVTT captions: `settings.PASSINNOV_EMBEDDED_UPLOAD_TYPES`)
  is served inline with the exact type of its extension;
- everything else is a download (`Content-Disposition: attachment`), with its known type or
  `application/octet-stream`, never a type guessed from the file's content.

`core.views.protected_media` (images, renditions, videos under /media/) and `core.views.serve_document`
(Wagtail's document view, which keeps its collection privacy) both apply these headers, with or without
X-Accel-Redirect (nginx must pass them on: see docs/operations.md).
"""

from pathlib import PurePath

from django.conf import settings
from django.utils.http import content_disposition_header

UPLOAD_POLICY = "default-src 'none'; sandbox"
# A raster image, a video or an audio file opened on its own is shown by the browser's own viewer, which
# needs to load the file itself (still no script, no form: sandboxed).
EMBEDDED_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
UNKNOWN_TYPE = "application/octet-stream"


def served_as(filename):
    """(content type, inline) for an uploaded file, from its extension alone."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    embedded = settings.PASSINNOV_EMBEDDED_UPLOAD_TYPES.get(extension)
    if embedded:
        return embedded, True
    return settings.PASSINNOV_DOWNLOAD_UPLOAD_TYPES.get(extension, UNKNOWN_TYPE), False


def upload_headers(filename):
    """The headers every response carrying an uploaded file gets (X-Accel-Redirect responses included)."""
    content_type, inline = served_as(filename)
    return {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition_header(not inline, PurePath(filename).name),
        "Content-Security-Policy": EMBEDDED_POLICY if inline else UPLOAD_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    }


def apply_upload_headers(response, filename):
    for header, value in upload_headers(filename).items():
        response[header] = value
    if "Content-Encoding" in response:  # a .gz is a file to download, not a body to decompress
        del response["Content-Encoding"]
    return response
