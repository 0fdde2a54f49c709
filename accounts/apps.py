from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True  # this module also holds UsersAdminConfig (and imports Wagtail's)
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from accounts import checks, receivers  # noqa: F401  (checks registers the deployment checks)
        from accounts.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        receivers.connect()


class UsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's users app, whose list of users says how each account signs in (accounts.users_admin)."""

    user_viewset = "accounts.users_admin.UserViewSet"
