import base64

import pytest

from learning_records.models import Credential


@pytest.fixture
def empty_store(db):
    """Start from an empty statement store (the demo content writes statements); rolled back after the test."""
    from learning_records.models import Statement

    Statement.objects.all().delete()


@pytest.fixture
def make_credential(db):
    def make(scopes=("all",), trusted=False, name="Client de test", active=True):
        credential = Credential(name=name, scopes=list(scopes), trusted=trusted, active=active)
        secret = credential.set_secret()
        credential.save()
        return credential, secret

    return make


def basic(key, secret):
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class XapiClient:
    """Django test client with the xAPI headers of a credential."""

    def __init__(self, client, credential=None, secret=None, version="1.0.3"):
        self.client = client
        self.credential = credential
        self.headers = {}
        if credential is not None:
            self.headers["Authorization"] = basic(credential.key, secret)
        if version:
            self.headers["X-Experience-API-Version"] = version

    def _headers(self, extra):
        headers = dict(self.headers)
        headers.update(extra or {})
        return {key: value for key, value in headers.items() if value is not None}

    def get(self, path="/xapi/statements", params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def head(self, path="/xapi/statements", params=None, headers=None):
        return self.client.head(path, params or {}, headers=self._headers(headers))

    def post(self, body, path="/xapi/statements", content_type="application/json", headers=None):
        import json

        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(path, data, content_type=content_type, headers=self._headers(headers))

    def put(self, body, statement_id, content_type="application/json", headers=None, path="/xapi/statements"):
        import json

        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.put(
            f"{path}?statementId={statement_id}", data, content_type=content_type, headers=self._headers(headers)
        )


@pytest.fixture
def xapi(client, make_credential):
    credential, secret = make_credential(scopes=["all"])
    return XapiClient(client, credential, secret)


@pytest.fixture
def xapi_for(client, make_credential):
    def make(scopes=("all",), trusted=False, version="1.0.3"):
        credential, secret = make_credential(scopes=scopes, trusted=trusted)
        return XapiClient(client, credential, secret, version=version)

    return make
