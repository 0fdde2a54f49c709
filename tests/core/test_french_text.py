"""The visible French of the main journeys, read as a proofreader would, in CI.

The test renders the pages of the agent's, the facilitator's, the training department's and the editor's
journeys, collects their visible text (and the admin menus' labels), reads the French catalogues and the
templates, and fails on the mistakes that crept in before:
- a first day of the month written « 1 novembre » (« 1er novembre »), a time « 09h30 » or « 14h00 »;
- a count of 0 or 1 followed by a plural (« 1 réponses », « 0 sessions annulées »), and, in the catalogues, a
  count in a translation that is not a plural form (`ngettext`);
- a second optional marker (« Commentaire (facultatif) (optionnel) ») or django-dsfr's English « (Optional) »;
- English words in the admin menus;
- in templates and code, a date or time written with Django's own formats instead of `core.dates`.
Each failure lists the text and where it was found.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from fiches.models import FichePage
from parcours.models import ModulePage
from training_sessions.models import Session

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# Nouns ending in s or x that are the same in the singular.
INVARIABLE = {
    "fois", "mois", "avis", "cas", "pas", "prix", "temps", "choix", "parcours", "accès", "succès", "progrès",
    "processus", "repas", "bras", "dos", "concours", "discours", "jus", "bus", "sens", "corps", "heureux",
}  # fmt: skip
PATTERNS = {
    "« 1 » for the first day of a month (write « 1er »)": re.compile(rf"(?<![\d,.])\b1\s+(?:{MONTHS})\b"),
    "time written 09h30 / 14h00 (write « 9 h 30 », « 14 h »)": re.compile(r"\b\d{1,2}h\d{2}\b"),
    "0 or 1 followed by a plural": re.compile(r"(?<![\d,.\w])[01][\s\u00a0]+([a-zàâçéèêëîïôûùüÿœæ]+[sx])\b"),
    "a second optional marker": re.compile(r"\((?:facultatif|optionnel)\)\s*\((?:facultatif|optionnel|Optional)\)"),
    "django-dsfr's English optional marker": re.compile(r"\(Optional\)"),
}
ENGLISH_MENU_WORDS = re.compile(
    r"\b(workflows?|settings|reports?|users?|groups?|snippets?|redirects?|forms?|dashboard|history|tasks?|"
    r"created|status|exploring|media files?|edit|delete|add|help|search|credentials?|statements?|"
    r"queue|pending|badge classes|awards?)\b",
    re.IGNORECASE,
)
# Counts that are always 2 or more, where a plural without ngettext is right.
PLURAL_NOUNS = (
    "réponses|sessions|places|inscrits|inscriptions|agents|présences|déclarations|jours|badges|fiches|"
    "utilisations|participants|lignes|activités|résultats|récits|directions|modules|erreurs|séquences"
)
COUNT_IN_SINGULAR_ENTRY = re.compile(rf"%\((\w+)\)[sd][\s\u00a0]+(?:{PLURAL_NOUNS})\b")


class VisibleText(HTMLParser):
    """The text a person reads: text nodes, plus labels read aloud (aria-label, title, alt, placeholder)."""

    HIDDEN = {"script", "style", "template", "svg", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def admin_menu_labels(html):
    """The labels of Wagtail's sidebar menu (rendered by its script from a JSON island)."""
    match = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    if not match:
        return []
    labels = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("label"), str) and "name" in value:
                labels.append(value["label"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(match.group(1)))
    return labels


def journeys():
    fiche = FichePage.objects.live().first()
    module = ModulePage.objects.live().filter(is_entry_module=True).first()
    session = Session.objects.upcoming().filter(module=module).first()
    past = Session.objects.filter(start__day=1).first()
    agent_pages = [
        "/",
        "/sessions/",
        session.get_absolute_url(),
        module.url,
        fiche.get_parent().url,
        fiche.url,
        "/mon-parcours/",
        "/mon-parcours/mes-donnees/",
        "/pratiques/mes-pratiques/",
        "/recherche/?q=brainstorm",
        "/recherche/?q=zzzz",
    ]
    return {
        "agent": agent_pages,
        "agent2": ["/mon-parcours/", "/sessions/"],
        "animateur": ["/sessions/animation/", *([f"/sessions/{past.pk}/participants/"] if past else [])],
        "formation": ["/pilotage/", "/pilotage/formateurs/", "/sessions/animation/?toutes=1"],
        "redacteur": ["/admin/"],
        "moderateur": ["/admin/", "/admin/passinnov/recits/"],
        "admin": ["/admin/"],
    }


def findings(text, where):
    found = []
    for label, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if label.startswith("0 or 1") and match.group(1) in INVARIABLE:
                continue
            start = max(match.start() - 30, 0)
            found.append(f"{where}: {label}: …{text[start : match.end() + 20]!r}…")
    return found


def test_the_pages_of_the_main_journeys_read_right(client_for):
    found = []
    for username, urls in journeys().items():
        client = client_for(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            html = response.content.decode()
            found += findings(visible_text(html), f"{username} {url}")
            for label in admin_menu_labels(html):
                if ENGLISH_MENU_WORDS.search(label):
                    found.append(f"{username} {url}: English in the admin menu: {label!r}")
    assert found == [], "\n".join(found)


def catalogues():
    paths = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")) + [
        ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po",
        ROOT / "locale_overrides" / "fr" / "LC_MESSAGES" / "django.po",
    ]
    return [path for path in paths if ".venv" not in path.parts and path.exists()]


def test_the_catalogues_read_right():
    found = []
    for path in catalogues():
        for entry in polib.pofile(str(path)).translated_entries():
            where = f"{path.relative_to(ROOT)} {entry.msgid[:60]!r}"
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                found += findings(text, where)
            if not entry.msgid_plural and COUNT_IN_SINGULAR_ENTRY.search(entry.msgstr):
                found.append(f"{where}: a count without a plural form (use ngettext / blocktranslate count)")
    assert found == [], "\n".join(found)


BYPASSING_DATES = re.compile(
    r"""\|date:["'](?:[lD] )?j |\|time:["']H|date_format\([^)]*["'][^"']*j |strftime\(["']%d"""
)


def test_templates_and_code_write_dates_through_core_dates():
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix not in {".html", ".txt", ".py"} or not path.is_file():
            continue
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "bench", "node_modules", "static_collected", "var"} or "migrations" in parts:
            continue
        if path.relative_to(ROOT).as_posix() == "core/dates.py":
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if BYPASSING_DATES.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert found == [], "write dates and times with core.dates / {% load french_dates %}:\n" + "\n".join(found)
