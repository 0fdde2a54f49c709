from django.contrib.auth.middleware import LoginRequiredMiddleware


class PrivateSiteMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except views marked @login_not_required.

    The Wagtail admin is left to its own access control, which sends anonymous users to the admin's
    login page (and checks the admin-access permission, which a plain login does not give).
    """

    exempt_prefixes = ("/admin/",)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.exempt_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
