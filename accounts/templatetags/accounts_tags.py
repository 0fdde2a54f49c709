from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from accounts import oidc
from accounts.roles import password_sign_in_is_restricted

register = template.Library()


@register.simple_tag
def provider_name():
    return settings.PASSINNOV_OIDC_PROVIDER_NAME


@register.simple_tag
def password_sign_in_for_administrators_only():
    return password_sign_in_is_restricted()


@register.inclusion_tag("accounts/includes/federated_sign_in.html")
def federated_sign_in(next_url=""):
    """The identity provider's button (DSFR's ProConnect button for ProConnect): a link, so that the provider's
    pages are reached by a plain navigation (the form-action rule of the CSP stays 'self')."""
    url = reverse("oidc_login")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    name = settings.PASSINNOV_OIDC_PROVIDER_NAME
    return {"enabled": oidc.is_enabled(), "url": url, "provider_name": name, "proconnect": name == "ProConnect"}
