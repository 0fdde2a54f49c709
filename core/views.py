import re
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.documents.views.serve import serve as wagtail_serve_document

from core.outage import close_broken_connections, is_database_outage, outage_response
from core.uploads import apply_upload_headers, served_as


def server_error(request):
    """handler500: a lost database connection answers 503 with Retry-After (core.outage), anything else the
    site's 500 page."""
    if not is_database_outage(sys.exc_info()[1]):
        return defaults.server_error(request)
    close_broken_connections()
    return outage_response(request)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers and process managers (no personal data)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # the probe must answer, whatever broke
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header, size):
    """A single `bytes=` range as (start, end) inclusive; None to send the whole file; ValueError if unsatisfiable."""
    match = RANGE_RE.match(header.strip()) if header else None
    if not match or match.groups() == ("", ""):
        return None  # absent, multi-range or malformed: RFC 9110 lets us answer with the whole file
    first, last = match.groups()
    if first == "":  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError
    return start, end


class RangeFile:
    """Iterate over part of a file in chunks, closing it at the end."""

    def __init__(self, file, start, length, chunk_size=64 * 1024):
        self.file, self.remaining, self.chunk_size = file, length, chunk_size
        file.seek(start)

    def __iter__(self):
        try:
            while self.remaining > 0:
                data = self.file.read(min(self.chunk_size, self.remaining))
                if not data:
                    break
                self.remaining -= len(data)
                yield data
        finally:
            self.file.close()


@require_safe
def protected_media(request, path):
    """Serve an uploaded file to a signed-in user (LoginRequiredMiddleware guarantees one), never as the site:
    downloads and embedded media get the headers of `core.uploads`.

    In production the web server does the copying: this view answers with X-Accel-Redirect to an internal
    location, so access control stays here and nginx never exposes MEDIA_ROOT directly.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    content_type, _inline = served_as(target.name)
    accel = settings.PASSINNOV_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + target.relative_to(root).as_posix()
    else:
        size = target.stat().st_size
        try:
            byte_range = parse_range(request.headers.get("Range"), size)
        except ValueError:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        if byte_range is None:
            response = FileResponse(target.open("rb"), content_type=content_type)
        else:
            start, end = byte_range
            length = end - start + 1
            response = StreamingHttpResponse(
                RangeFile(target.open("rb"), start, length),
                status=206,
                content_type=content_type,
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(length)
        response["Accept-Ranges"] = "bytes"
    return apply_upload_headers(response, target.name)


def serve_document(request, document_id, document_filename):
    """Wagtail's document view (collection privacy and its other checks), then the upload headers on the file
    it sends, streamed or through X-Accel-Redirect; its other answers (password form, redirect) are kept."""
    response = wagtail_serve_document(request, document_id, document_filename)
    sends_file = response.streaming or response.has_header("X-Accel-Redirect")
    if response.status_code in (200, 206) and sends_file:
        apply_upload_headers(response, document_filename)
    return response
