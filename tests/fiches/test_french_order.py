"""Fiches and tags in French alphabetical order: « échanges » among the E's, « Méthode » before « Mur »."""

import sqlite3

import pytest

from core import sorting
from fiches.models import FicheIndexPage
from home.models import HomePage
from tests.home.editorial import add_fiche

TITLES = ["Zèbre", "Mur d'idées", "échanges de pratiques", "Méthode 6-3-5", "Atelier", "Éclairage", "œil neuf"]
EXPECTED = ["Atelier", "échanges de pratiques", "Éclairage", "Méthode 6-3-5", "Mur d'idées", "œil neuf", "Zèbre"]


def test_the_key_ignores_accents_and_case_first():
    assert sorting.french_sorted(TITLES) == EXPECTED
    assert sorting.french_sorted(["e", "É", "é", "E"]) == ["e", "E", "é", "É"]


def test_the_sqlite_collation_orders_the_same_way():
    database = sqlite3.connect(":memory:")
    database.create_collation(sorting.COLLATION, sorting._compare)
    database.execute("CREATE TABLE t (title TEXT)")
    database.executemany("INSERT INTO t VALUES (?)", [(title,) for title in TITLES])
    rows = database.execute(f'SELECT title FROM t ORDER BY title COLLATE "{sorting.COLLATION}"').fetchall()
    assert [row[0] for row in rows] == EXPECTED


@pytest.mark.django_db
def test_the_listing_and_its_tag_filter_sort_the_french_way(agent_client):
    index = HomePage.objects.first().add_child(instance=FicheIndexPage(title="Fiches à trier", slug="fiches-a-trier"))
    tags = ["Zoom", "échanges", "empathie", "Écoute"]
    for number, title in enumerate(TITLES):
        add_fiche(title, index=index, tags=[tags[number % len(tags)]])
    response = agent_client.get(index.url)
    assert [fiche.title for fiche in response.context["fiches"]] == EXPECTED
    tag_names = [label for value, label in response.context["filter_form"].fields["tag"].choices if value]
    assert tag_names == ["échanges", "Écoute", "empathie", "Zoom"]
