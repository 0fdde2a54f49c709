import os
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from tests.oidc.harness import OpenIDProvider, ProviderAgent, require_provider
from tests.requirements import CHROMIUM, require_chromium, require_postgres

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "passinnov-demo"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the demo content, so every test can rely on the real catalogue.

    Tests run inside a transaction rolled back at their end; transactional tests (browser, concurrency)
    run last and reload the demo themselves (see `live_demo`).
    """
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def _markers(request):
    if request.node.get_closest_marker("postgres"):
        require_postgres()
    if request.node.get_closest_marker("browser"):
        require_chromium()


@pytest.fixture
def demo_user(django_user_model):
    def get(username="agent"):
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def agent(demo_user):
    return demo_user("agent")


@pytest.fixture
def client_for(client, demo_user):
    """A test client signed in as a demo account: client_for("animateur")."""

    def sign_in(username="agent"):
        client.force_login(demo_user(username))
        return client

    return sign_in


@pytest.fixture
def agent_client(client_for):
    return client_for("agent")


# --- Browser tests --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """A live server whose database holds the demo content (transactional tests start from an empty one)."""
    call_command("load_demo", verbosity=0, skip_index=True, stdout=open(os.devnull, "w"))
    return live_server


# Every Content-Security-Policy violation in any frame of a browser context: the site's policy must hold on
# every page a test opens (core.csp).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.passinnovCspViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile,
    line: event.lineNumber, sample: event.sample, page: location.href,
  });
});
"""


def watch_csp(context, origin):
    """Record the CSP violations of every page of `context` served from `origin` (the live server; another
    host's pages, such as the test identity provider's, follow their own policy): `securitypolicyviolation`
    events and the console's CSP errors. Returns the (growing) list."""
    violations = []

    def ours(url):
        return bool(url) and urlsplit(url).netloc == urlsplit(origin).netloc

    def report(_source, violation):
        if ours(violation.get("page")):
            violations.append(violation)

    context.expose_binding("passinnovCspViolation", report)
    context.add_init_script(CSP_LISTENER)

    def console(message):
        page_url = message.page.url if message.page else None
        if message.type == "error" and "Content Security Policy" in message.text and ours(page_url):
            violations.append({"console": message.text, "page": page_url})

    context.on("console", console)
    return violations


def csp_violations(page, violations=None):
    """The violations recorded so far (a round trip to the page first delivers the pending reports)."""
    page.evaluate("1")
    return list(page.csp_violations if violations is None else violations)


@pytest.fixture
def page(browser, live_demo):
    """A fresh browser page on the live server; `page.foreign_requests` lists requests to any other host and
    `page.csp_violations` the Content-Security-Policy violations (none allowed: checked again at teardown)."""
    context = browser.new_context(base_url=live_demo.url, locale="fr-FR")
    violations = watch_csp(context, live_demo.url)
    page = context.new_page()
    page.csp_violations = violations
    own_host = urlsplit(live_demo.url).netloc
    page.foreign_requests = []

    def track(request):
        netloc = urlsplit(request.url).netloc
        if request.url.startswith(("data:", "blob:")):
            return
        if netloc != own_host:
            page.foreign_requests.append(request.url)

    page.on("request", track)
    page.set_default_timeout(15000)
    yield page
    if not page.is_closed():
        csp_violations(page)
        # Leave the page now, so that what it sends when hidden (the video player's statements) is handled by
        # the live server before the test database is flushed, not during the flush.
        page.goto("about:blank")
        wait_for_idle_database()
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def wait_for_idle_database(quiet_checks=5, interval=0.05, limit=10):
    """Wait until no other connection is running a query on the test database (PostgreSQL), a few checks in
    a row: the live server has finished the requests a page sent while leaving."""
    if connection.vendor != "postgresql":
        return
    quiet, deadline = 0, time.monotonic() + limit
    while quiet < quiet_checks and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        quiet = 0 if busy else quiet + 1
        time.sleep(interval)


def sign_in(page, username="agent", password=DEMO_PASSWORD, next_url="/"):
    page.goto(f"/connexion/?next={next_url}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def signed_in_page(page):
    def as_user(username="agent", next_url="/"):
        sign_in(page, username, next_url=next_url)
        return page

    return as_user


@pytest.fixture
def postgres():
    require_postgres()


# --- Sign-in through an OpenID Connect provider ----------------------------------------------------------


@pytest.fixture(scope="session")
def oidc_provider():
    """The test OpenID provider (tests/oidc/provider.mjs, configured like ProConnect), once per test run."""
    provider = OpenIDProvider(require_provider())
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def oidc_test_client(oidc_provider):
    """PassInnov registered with the provider for Django's test client (http://testserver)."""
    return oidc_provider.register_client("http://testserver")


def configure_oidc(settings, provider, client):
    client_id, client_secret = client
    settings.PASSINNOV_OIDC_ISSUER = provider.issuer
    settings.PASSINNOV_OIDC_CLIENT_ID = client_id
    settings.PASSINNOV_OIDC_CLIENT_SECRET = client_secret
    settings.PASSINNOV_OIDC_SCOPES = "openid email given_name usual_name uid siret organizational_unit idp_id"
    settings.PASSINNOV_OIDC_ACR_VALUES = "eidas1"
    settings.PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS = ["finances.gouv.fr"]
    settings.PASSINNOV_OIDC_PROVIDER_NAME = "ProConnect"
    settings.PASSINNOV_OIDC_TIMEOUT = 5
    cache.clear()  # the discovery document and JWKS of another configuration
    provider.clear_faults()


@pytest.fixture
def oidc(oidc_provider, oidc_test_client, settings):
    """PassInnov configured with the test provider; yields the provider (faults cleared before and after)."""
    configure_oidc(settings, oidc_provider, oidc_test_client)
    yield oidc_provider
    oidc_provider.clear_faults()


@pytest.fixture
def provider_agent(oidc_provider):
    return ProviderAgent(oidc_provider)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (throttling counters, verified secrets)."""
    cache.clear()
