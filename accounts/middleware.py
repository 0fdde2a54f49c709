from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import can_use_admin


class PrivateSiteMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except views marked @login_not_required.

    The Wagtail admin has one door, the site's: an anonymous visitor is sent to the site's login page (never
    to a second, admin-only login form), and a signed-in person whose roles give no admin access (an agent, a
    facilitator) gets the site's own 403 page. Inside, Wagtail's permissions apply. Signing out through the
    admin's URL stays open to everyone (after a sign-in through the identity provider, it ends that session
    too: accounts.views.admin_logout).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        admin = reverse("wagtailadmin_home")
        if request.path_info.startswith(admin) and request.path_info != reverse("wagtailadmin_logout"):
            if not request.user.is_authenticated:
                return self.handle_no_permission(request, view_func)
            if not can_use_admin(request.user):
                raise PermissionDenied
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
