"""Sign-in through the OpenID Connect provider and sign-out. The protocol is in accounts.oidc, what an identity
means for the accounts in accounts.federation: these views only move the agent between them."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.admin.views.account import LogoutView as AdminLogoutView

from accounts import federation, oidc
from accounts.forms import DirectorateChoiceForm

logger = logging.getLogger(__name__)

ID_TOKEN_SESSION_KEY = "oidc_id_token"
FEDERATED_BACKEND = "accounts.backends.FederatedBackend"


def safe_next(request, url):
    """A same-site destination, or the home page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


def refused(request, error):
    logger.warning("Sign-in through %s refused (%s): %s", oidc.issuer() or "-", error.code, error.detail)
    return render(request, "accounts/sign_in_error.html", {"error": error}, status=error.status)


def require_enabled():
    if not oidc.is_enabled():
        raise Http404


def open_session(request, user, identity):
    auth_login(request, user, backend=FEDERATED_BACKEND)
    federation.forget_pending(request.session)
    request.session[ID_TOKEN_SESSION_KEY] = identity.id_token
    logger.info("Account %s signed in through %s", user.pk, identity.issuer)
    return HttpResponseRedirect(safe_next(request, identity.next_url))


@login_not_required
@never_cache
@require_safe
def oidc_login(request):
    """The ProConnect button: off to the provider, with the page the agent was going to kept for the return."""
    require_enabled()
    next_url = safe_next(request, request.GET.get("next"))
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    try:
        return HttpResponseRedirect(oidc.authorization_url(request, next_url))
    except oidc.SignInError as error:
        return refused(request, error)


@login_not_required
@never_cache
@require_safe
def oidc_callback(request):
    require_enabled()
    try:
        identity = oidc.complete_authorization(request)
        user = federation.sign_in(identity)
    except oidc.SignInError as error:
        return refused(request, error)
    if user is None:
        federation.keep_pending(request.session, identity)
        return redirect("oidc_directorate")
    return open_session(request, user, identity)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def oidc_directorate(request):
    """First sign-in whose organisation names no directorate: the agent picks it, then the account exists."""
    require_enabled()
    try:
        identity = federation.pending_identity(request.session)
    except oidc.SignInError as error:
        return refused(request, error)
    form = DirectorateChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = federation.create_account(identity, form.cleaned_data["directorate"])
        except oidc.SignInError as error:
            return refused(request, error)
        return open_session(request, user, identity)
    return render(request, "accounts/choose_directorate.html", {"form": form, "identity": identity})


@login_not_required
@never_cache
@require_POST
def logout(request):
    """End the PassInnov session; after a sign-in through the provider, end the provider's session as well.

    The provider's end-session URL is reached from a page of ours rather than by a redirect: a browser
    applies the form-action rule of the Content-Security-Policy to redirects that follow a form submission.
    """
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    auth_logout(request)
    if id_token and oidc.is_enabled():
        try:
            url = oidc.logout_url(request, id_token)
        except oidc.SignInError as error:
            logger.warning("Sign-out at %s failed (%s): %s", oidc.issuer(), error.code, error.detail)
            messages.warning(
                request,
                _("You are signed out of PassInnov, but %(provider)s could not be reached: close your browser.")
                % {"provider": settings.PASSINNOV_OIDC_PROVIDER_NAME},
            )
        else:
            return render(request, "accounts/provider_logout.html", {"logout_url": url})
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_not_required
@never_cache
@require_POST
def admin_logout(request):
    """The Wagtail admin's « Se déconnecter »: after a sign-in through the provider, as on the site."""
    if request.session.get(ID_TOKEN_SESSION_KEY):
        return logout(request)
    return AdminLogoutView.as_view()(request)


@login_not_required
@never_cache
@require_safe
def oidc_logout_callback(request):
    """The provider is back from its end-session endpoint (post_logout_redirect_uri)."""
    require_enabled()
    if oidc.complete_logout(request):
        messages.success(
            request,
            _("You are signed out of PassInnov and of %(provider)s.")
            % {"provider": settings.PASSINNOV_OIDC_PROVIDER_NAME},
        )
    else:
        logger.warning("Return from the end-session endpoint of %s with an unknown state", oidc.issuer())
    return redirect(settings.LOGOUT_REDIRECT_URL)
