from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import can_use_admin


class PrivateSiteMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except views marked @login_not_required.

    The Wagtail admin has one door, the site's: an anonymous visitor is sent to the site's login page (never
    to a second, admin-only login form), and a signed-in person whose roles give no admin access (an agent, a
    facilitator) gets the site's own 403 page. Inside, Wagtail's permissions apply.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            if not request.user.is_authenticated:
                return self.handle_no_permission(request, view_func)
            if not can_use_admin(request.user):
                raise PermissionDenied
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
