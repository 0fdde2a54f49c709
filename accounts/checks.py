"""Deployment checks (`manage.py check --deploy`) of the OpenID Connect sign-in's configuration."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def oidc_configuration(app_configs, **kwargs):
    if not settings.PASSINNOV_OIDC_ISSUER:
        return []
    warnings = []
    if not settings.PASSINNOV_OIDC_ISSUER.startswith("https://"):
        warnings.append(Warning("PASSINNOV_OIDC_ISSUER should be an https:// URL.", id="passinnov.W101"))
    if not (settings.PASSINNOV_OIDC_CLIENT_ID and settings.PASSINNOV_OIDC_CLIENT_SECRET):
        warnings.append(
            Warning(
                "PASSINNOV_OIDC_CLIENT_ID and PASSINNOV_OIDC_CLIENT_SECRET must be set when PASSINNOV_OIDC_ISSUER is.",
                id="passinnov.W102",
            )
        )
    if not settings.PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS:
        warnings.append(
            Warning(
                "PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS is empty: any agent the provider knows can create an account.",
                hint="List the ministry's email domains, e.g. finances.gouv.fr,economie.gouv.fr.",
                id="passinnov.W103",
            )
        )
    return warnings
