"""The site-wide Content-Security-Policy (core.csp); the browser tests check that no page violates it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from videos.models import VideoPage

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_strict(policy, admin=False):
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    script = policy["script-src"]
    assert script[0] == "'self'" and len(script) == 2 and re.fullmatch(r"'nonce-[\w-]{20,}'", script[1])
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(policy["script-src"])
    assert ("'unsafe-inline'" in policy["style-src"]) is admin
    for sources in policy.values():
        assert not any(source.startswith(("http:", "https:")) or source == "*" for source in sources), sources


@pytest.mark.parametrize("path", ["/", "/parcours/", "/mon-parcours/", "/sessions/", "/recherche/?q=fiche"])
def test_site_pages_get_the_strict_policy(agent_client, path):
    response = agent_client.get(path)
    assert response.status_code == 200
    assert_strict(directives(response))


def test_anonymous_pages_and_errors_get_it_too(client, agent_client):
    assert_strict(directives(client.get("/connexion/")))
    assert_strict(directives(client.get("/")))  # the redirect to the login page
    assert_strict(directives(agent_client.get("/page-inconnue/")))
    assert_strict(directives(agent_client.get("/pilotage/")))  # 403


def test_the_admin_gets_a_nonce_not_unsafe_inline_scripts(client_for):
    response = client_for("redacteur").get("/admin/")
    assert response.status_code == 200
    assert_strict(directives(response), admin=True)


def test_each_answer_has_its_own_nonce_and_the_admin_scripts_carry_it(client_for):
    client = client_for("formation")
    from training_sessions.models import Session

    session = Session.objects.filter(facilitations__isnull=False).first()
    url = f"/admin/snippets/training_sessions/session/edit/{session.pk}/"
    first, second = client.get(url), client.get(url)
    nonce = directives(first)["script-src"][1][len("'nonce-") : -1]
    assert nonce != directives(second)["script-src"][1][len("'nonce-") : -1]
    html = first.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    executable = [attrs for attrs in inline if "application/json" not in attrs]
    assert executable, "the session form has Wagtail's inline scripts (inline panel, date pickers, chooser)"
    assert all(f'nonce="{nonce}"' in attrs for attrs in executable), executable


def test_the_admin_preview_may_be_framed_by_the_admin_only(client_for):
    client = client_for("redacteur")
    video = VideoPage.objects.get(slug="passinnov-en-bref")
    response = client.get(f"/admin/pages/{video.pk}/edit/preview/")
    assert directives(response)["frame-ancestors"] == ["'self'"]


def template_files():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for root in roots:
        if ".venv" in root.parts:
            continue
        for path in root.rglob("*.html"):
            if "emails" not in path.parts:  # emails are not pages of the site
                yield path


def test_the_project_templates_have_no_inline_script_style_or_handler():
    problems = []
    patterns = {
        # (the admin's overridden widgets carry the nonce: `<script nonce="{% csp_nonce %}">`)
        "inline script": re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>\s*\S", re.I),
        "event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
        "javascript: URL": re.compile(r"javascript:", re.I),
        "style element": re.compile(r"<style[\s>]", re.I),
        "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    }
    files = list(template_files())
    assert len(files) > 50
    for path in files:
        text = path.read_text()
        for name, pattern in patterns.items():
            if pattern.search(text):
                problems.append(f"{path.relative_to(BASE_DIR)}: {name}")
    assert problems == []
