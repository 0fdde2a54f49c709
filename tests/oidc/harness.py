"""The test OpenID provider (provider.mjs: oidc-provider on Node, configured like ProConnect) for the tests.

`OpenIDProvider` starts it on 127.0.0.1 (a free port it picks itself), registers clients through its dynamic
registration endpoint, arms its test-only faults and stops it. `ProviderAgent` is the agent's browser on the
provider's side for tests driven through Django's test client: it follows the authorization URL, fills in the
provider's login form (or refuses) and returns the URL the provider sends the agent back to.

Without Node or the provider's node modules (`npm ci --prefix tests/oidc`), the tests that need it are skipped,
or fail under PASSINNOV_CI_STRICT=1.
"""

import json
import re
import selectors
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from tests import processes
from tests.requirements import missing

PROVIDER_DIR = Path(__file__).resolve().parent
SCRIPT = PROVIDER_DIR / "provider.mjs"
ACCOUNTS_DATA = json.loads((PROVIDER_DIR / "accounts.json").read_text())
PASSWORD = ACCOUNTS_DATA["password"]
ACCOUNTS = {account["claims"]["email"]: account for account in ACCOUNTS_DATA["accounts"]}
TIMEOUT = 15  # seconds, for every call to the provider and for its start


def require_provider():
    node = shutil.which("node")
    if not node:
        missing("needs Node.js for the test OpenID provider (apt-get install nodejs)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing("needs the test OpenID provider's modules: npm ci --prefix tests/oidc")
    return node


class OpenIDProvider:
    def __init__(self, node):
        # Its warnings go to a file: a pipe nobody reads would block the provider once full.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [node, str(SCRIPT)], cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        try:
            self.issuer = self._read_issuer()
        except BaseException:
            self.stop()  # never leave a server behind
            raise
        self.http = requests.Session()

    def _read_issuer(self):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=TIMEOUT):
            raise RuntimeError(f"the test OpenID provider did not start within {TIMEOUT} s")
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            raise RuntimeError(f"the test OpenID provider exited: {self.log.read()[-2000:]}")
        return json.loads(line)["issuer"]

    @property
    def netloc(self):
        return urlsplit(self.issuer).netloc

    def register_client(self, base_url):
        """A confidential client whose redirect URIs are PassInnov's under `base_url` (client_secret_post,
        RS256 ID token, RS256-signed userinfo: ProConnect's registration)."""
        metadata = {
            "redirect_uris": [f"{base_url}/connexion/oidc/retour/"],
            "post_logout_redirect_uris": [f"{base_url}/deconnexion/oidc/retour/"],
            "token_endpoint_auth_method": "client_secret_post",
            "id_token_signed_response_alg": "RS256",
            "userinfo_signed_response_alg": "RS256",
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        }
        response = self.http.post(f"{self.issuer}/reg", json=metadata, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
        return data["client_id"], data["client_secret"]

    def fault(self, **faults):
        """Make the next token response (`id_token={...}`) or userinfo response (`userinfo={...}`) faulty:
        `claims` replaces claims, `remove` drops some, `signature="impostor"` signs with a key the provider
        does not publish (same key id)."""
        self.http.post(f"{self.issuer}/test/faults", json=faults, timeout=TIMEOUT).raise_for_status()

    def clear_faults(self):
        self.http.delete(f"{self.issuer}/test/faults", timeout=TIMEOUT).raise_for_status()

    def counts(self):
        return self.http.get(f"{self.issuer}/test/counts", timeout=TIMEOUT).json()

    def stop(self):
        processes.stop(self.process)
        self.process.stdout.close()
        self.log.close()


class ProviderAgent:
    """An agent's browser, on the provider's side only (PassInnov's side is Django's test client)."""

    def __init__(self, provider):
        self.provider = provider
        self.http = requests.Session()

    def _follow(self, response):
        """Follow redirects while they stay on the provider; return (final response, URL leaving it or None)."""
        for _hop in range(10):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response, None
            location = urljoin(response.url, response.headers["Location"])
            if urlsplit(location).netloc != self.provider.netloc:
                return response, location
            response = self.http.get(location, allow_redirects=False, timeout=TIMEOUT)
        raise AssertionError("too many redirects at the provider")

    def open(self, url):
        return self._follow(self.http.get(url, allow_redirects=False, timeout=TIMEOUT))

    def _interaction_form(self, page, action):
        match = re.search(rf'action="(/interaction/[^"]+/{action})"', page.text)
        assert match, f"no {action} form on the provider's page: {page.text[:500]}"
        return urljoin(page.url, match.group(1))

    def sign_in(self, authorization_url, email, password=PASSWORD):
        """The URL the provider sends the agent back to, after its login form (skipped when already signed in)."""
        page, leaving = self.open(authorization_url)
        if leaving:
            return leaving
        action = self._interaction_form(page, "login")
        response = self.http.post(
            action, data={"email": email, "password": password}, allow_redirects=False, timeout=TIMEOUT
        )
        page, leaving = self._follow(response)
        assert leaving, f"the provider kept the agent: {page.text[:500]}"
        return leaving

    def refuse(self, authorization_url):
        page, leaving = self.open(authorization_url)
        assert not leaving, "the agent was already signed in at the provider"
        response = self.http.post(self._interaction_form(page, "abort"), allow_redirects=False, timeout=TIMEOUT)
        return self._follow(response)[1]

    def end_session(self, logout_url):
        """Follow PassInnov's RP-initiated logout at the provider; return where the provider sends the agent."""
        page, leaving = self.open(logout_url)
        if leaving:
            return leaving
        action = re.search(r'<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"', page.text) or re.search(
            r'<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"', page.text
        )
        assert action, f"no logout form at the provider: {page.text[:500]}"
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
        response = self.http.post(
            urljoin(page.url, action.group(1)),
            data={"xsrf": xsrf, "logout": "yes"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        return self._follow(response)[1]

    def is_signed_in(self, authorization_url):
        """Whether the provider still has a session: it would send the agent back without its login form."""
        return self.open(authorization_url)[1] is not None
