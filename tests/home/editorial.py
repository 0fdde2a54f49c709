"""Helpers shared by the editorial tests: build pages quickly, count queries of a page view."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiches.models import FicheIndexPage, FichePage


def add_fiche(title, *, index=None, theme=None, minutes=30, low=3, high=12, tags=(), module=None, live=True):
    index = index or FicheIndexPage.objects.get()
    fiche = FichePage(
        title=title,
        objective=f"Objectif de {title}",
        duration_minutes=minutes,
        group_size_min=low,
        group_size_max=high,
        theme=theme,
        related_module=module,
        steps=[("step", {"title": "Étape unique", "duration_minutes": 5, "description": "<p>Faire.</p>"})],
        live=live,
    )
    if tags:
        fiche.tags.add(*tags)
    index.add_child(instance=fiche)
    if live:
        fiche.save_revision().publish()
    return fiche


def cold_and_warm_queries(client, url):
    """Queries of `url` with the shared fragments to build (empty cache), then with them built (the first
    request fills what each process keeps for good: content types, locales)."""
    client.get(url)
    cache.clear()
    return count_queries(client, url), count_queries(client, url)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)
