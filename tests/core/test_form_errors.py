"""A refused form says so the same way everywhere: « Erreur : » first in the page title, and a DSFR error
summary, focused by a static script, with a link to each field in error."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from fiches.models import FichePage

pytestmark = pytest.mark.django_db


def title(html):
    return re.sub(r"[ \t\n]+", " ", re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def test_a_refused_form_titles_the_page_erreur_and_summarises_the_errors(agent_client):
    fiche = FichePage.objects.live().first()
    url = f"/pratiques/fiches/{fiche.pk}/je-l-ai-utilisee/"
    assert not title(agent_client.get(url).content.decode()).startswith("Erreur")
    response = agent_client.post(url, {"used_on": "", "rating": "9"})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert title(html).startswith("Erreur\u00a0: ")
    summary = html[html.index('id="form-error-summary"') :].split("</div>", 1)[0]
    assert (
        'tabindex="-1"'
        in html[html.index('id="form-error-summary"') - 200 : html.index('id="form-error-summary"') + 200]
    )
    form = response.context["form"]
    for name in form.errors:
        if name in form.fields and not form[name].is_hidden:
            anchor = form[name].id_for_label or form[name].subwidgets[0].id_for_label
            assert f'href="#{anchor}"' in summary, name
    assert "js/form-errors.js" in html


def test_a_valid_page_has_no_summary(agent_client):
    html = agent_client.get("/mon-parcours/").content.decode()
    assert 'id="form-error-summary"' not in html and not title(html).startswith("Erreur")


def test_the_focus_script_is_a_static_file():
    script = Path(settings.BASE_DIR, "static", "js", "form-errors.js").read_text()
    assert 'getElementById("form-error-summary")' in script and ".focus()" in script


def test_the_mobile_search_dialog_has_a_name(agent_client):
    html = agent_client.get("/").content.decode()
    dialog = re.search(r'<div class="fr-header__search fr-modal"[^>]*>', html).group(0)
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', dialog)
    assert labelled_by is not None
    assert f'id="{labelled_by.group(1)}"' in html


def test_the_error_scan_reads_no_lazy_value_of_the_page():
    """Pages give their cached fragments lazy values (home.models.HomePage.get_context): looking for forms in
    error must not read them, or every request would run the queries the fragments save. A lazy form already
    read still counts."""
    from django import forms
    from django.template import Context, Template
    from django.utils.functional import SimpleLazyObject

    class NameForm(forms.Form):
        name = forms.CharField()

    read = []
    unread = SimpleLazyObject(lambda: read.append("read") or ["value"])
    refused = SimpleLazyObject(lambda: NameForm({"name": ""}))
    template = Template("{% load form_errors %}[{% form_error_title_prefix %}]")
    assert template.render(Context({"latest": unread, "form": refused})) == "[]"
    assert read == []
    assert refused.errors  # read by the page: now it counts
    assert template.render(Context({"latest": unread, "form": refused})) == "[Erreur\u00a0: ]"
    assert read == []
