"""The Wagtail admin's list of users, with how each account signs in (identity provider, local password)."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.users.views import users

from accounts.models import FederatedIdentity


def sign_in_methods(user):
    methods = []
    if getattr(user, "has_federated_identity", False):
        methods.append(settings.PASSINNOV_OIDC_PROVIDER_NAME)
    if user.has_usable_password():
        methods.append(gettext("password"))
    return ", ".join(methods) or gettext("none")


class IndexView(users.IndexView):
    @cached_property
    def columns(self):
        columns = list(super().columns)
        position = next(i for i, column in enumerate(columns) if column.name == "is_superuser")
        columns.insert(
            position,
            Column("sign_in", accessor=sign_in_methods, label=gettext_lazy("Signs in with"), width="15%"),
        )
        return columns

    def get_base_queryset(self):
        identities = FederatedIdentity.objects.filter(user=OuterRef("pk"))
        return super().get_base_queryset().annotate(has_federated_identity=Exists(identities))


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
