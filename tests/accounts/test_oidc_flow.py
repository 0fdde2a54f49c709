"""Sign-in through the test OpenID provider (configured like ProConnect), driven through Django's test client."""

from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import FederatedIdentity, User

pytestmark = pytest.mark.django_db

CAMILLE = "camille.durand@finances.gouv.fr"


def start(client, next_url="/"):
    response = client.get("/connexion/oidc/", {"next": next_url})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def local(url):
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return parts.path + ("?" + parts.query if parts.query else "")


def test_first_sign_in_creates_the_account_and_lands_on_next(client, oidc, provider_agent):
    authorization = start(client, "/mon-parcours/")
    callback = provider_agent.sign_in(authorization, CAMILLE)
    response = client.get(local(callback))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/mon-parcours/"
    user = User.objects.get(email=CAMILLE)
    assert user.first_name == "Camille" and user.last_name == "Durand"
    assert user.directorate.acronym == "DGFiP"
    assert FederatedIdentity.objects.filter(user=user, issuer=oidc.issuer).count() == 1
    assert client.get("/mon-parcours/").status_code == 200
