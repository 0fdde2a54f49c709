"""The site's Content-Security-Policy: scripts come from the site's own static files, nothing from another host.

Every HTML answer gets the policy below. The pages of the site have no inline script, no `on…=` attribute
and no `javascript:` URL (JavaScript lives in static files), so their scripts are `'self'` only. The Wagtail
admin writes a few inline scripts of its own (inline panels, date pickers, choosers): those carry the
request's nonce (`{% csp_nonce %}` in the overridden admin templates, `nonce_wagtail_choosers` for the
chooser widgets), so the admin's script policy is `'self'` plus that nonce, never `'unsafe-inline'`.

Concession: the admin also needs inline styles (`style=` attributes in Wagtail's templates and scripts), so
its `style-src` allows `'unsafe-inline'`; the site's pages do not.

Answers that set their own policy (uploaded files, `core.uploads`) keep it. `frame-ancestors` follows the
answer's X-Frame-Options: `'none'` everywhere except the admin's preview, which Wagtail lets its own pages
frame (SAMEORIGIN).
"""

import contextvars
import secrets

from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.admin.widgets.chooser import BaseChooser

HEADER = "Content-Security-Policy"
NONCE = "'nonce-{nonce}'"

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "media-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
ADMIN_POLICY = SITE_POLICY | {
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}
FRAME_ANCESTORS = {"DENY": "'none'", "SAMEORIGIN": "'self'"}

_nonce = contextvars.ContextVar("csp_nonce", default="")


def current_nonce():
    """The nonce of the request being answered (empty outside a request)."""
    return _nonce.get()


def policy_text(policy, nonce, frame_ancestors="'none'"):
    directives = []
    for name, sources in policy.items():
        if name == "frame-ancestors":
            sources = [frame_ancestors]
        directives.append(" ".join([name, *(source.format(nonce=nonce) for source in sources)]))
    return "; ".join(directives)


def policy_for(request):
    return ADMIN_POLICY if request.path_info.startswith(reverse("wagtailadmin_home")) else SITE_POLICY


class ContentSecurityPolicyMiddleware:
    """Give each request a nonce and each answer the site's policy (placed before XFrameOptionsMiddleware in
    MIDDLEWARE, so that it reads the X-Frame-Options the answer ends with, and before the middleware that may
    answer on their own: login redirects, CSRF failures)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce
        token = _nonce.set(nonce)
        try:
            response = self.get_response(request)
        finally:
            _nonce.reset(token)
        # A policy a view set (an uploaded file's) stays. One this middleware set for an inner request (Wagtail's
        # preview runs the page's request through the middleware, then lets the admin frame the answer) is
        # written again for the outer one.
        if HEADER not in response or getattr(response, "site_csp", False):
            frame_ancestors = FRAME_ANCESTORS.get(response.get("X-Frame-Options", "DENY").upper(), "'none'")
            response[HEADER] = policy_text(policy_for(request), nonce, frame_ancestors)
            response.site_csp = True
        return response


def nonce_wagtail_choosers():
    """Wagtail's chooser widgets (page, image, document, snippet, media) render their initialising script
    inline, from Python: give that script the request's nonce (called once, from CoreConfig.ready)."""
    if getattr(BaseChooser.render, "passinnov_nonce", False):
        return
    render = BaseChooser.render

    def render_with_nonce(self, *args, **kwargs):
        html = str(render(self, *args, **kwargs))
        head, script, tail = html.rpartition("<script>")
        if not script:
            return mark_safe(html)  # noqa: S308 - Wagtail's own markup, unchanged
        return mark_safe(f'{head}<script nonce="{current_nonce()}">{tail}')  # noqa: S308 - Wagtail's markup

    render_with_nonce.passinnov_nonce = True
    BaseChooser.render = render_with_nonce
