import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


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


@require_safe
def protected_media(request, path):
    """Serve an uploaded file to a signed-in user (LoginRequiredMiddleware guarantees one).

    In production the web server does the copying: this view answers with X-Accel-Redirect to an internal
    location, so access control stays here and nginx never exposes MEDIA_ROOT directly.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    content_type, encoding = mimetypes.guess_type(target.name)
    accel = settings.PASSINNOV_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + target.relative_to(root).as_posix()
    else:
        response = FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream")
    if encoding:
        response["Content-Encoding"] = encoding
    response["Content-Disposition"] = content_disposition_header(False, target.name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
