"""French typography of the catalogues: non-breaking spaces before « : ; ? ! » and inside guillemets."""

import glob

import polib
from django.conf import settings

from core import typography

NBSP = "\u00a0"


def test_fix_puts_non_breaking_spaces_where_french_needs_them():
    assert typography.fix("Durée : 3 h") == f"Durée{NBSP}: 3 h"
    assert typography.fix("Vraiment ? Oui ! Non ; peut-être") == f"Vraiment{NBSP}? Oui{NBSP}! Non{NBSP}; peut-être"
    assert typography.fix("la fiche « Persona »") == f"la fiche «{NBSP}Persona{NBSP}»"
    assert typography.fix("%(share)s %% des réponses, 12 %") == f"%(share)s{NBSP}%% des réponses, 12{NBSP}%"
    # Idempotent, and leaves URLs, placeholders and times alone.
    once = typography.fix("Lien : https://exemple.fr/?a=1 ; %(name)s : 9 h 30")
    assert typography.fix(once) == once and "https://exemple.fr/?a=1" in once
    assert typography.problems(once) == []


def test_every_french_translation_follows_the_rules():
    catalogues = glob.glob(str(settings.BASE_DIR / "*" / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    catalogues += glob.glob(str(settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert len(catalogues) >= 10
    wrong = []
    for path in catalogues:
        for entry in polib.pofile(path).translated_entries():
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                wrong += [(path, place) for place in typography.problems(text)]
    assert wrong == [], "run `make messages`: it applies core.typography"
