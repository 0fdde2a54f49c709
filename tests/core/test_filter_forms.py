"""The fiches listing and the upcoming sessions share one DSFR filter form (templates/includes/filter_form.html):
same markup, each with its own title, action and message for refused values."""

import re

import pytest
from django.core.cache import cache

from fiches.models import FicheIndexPage

pytestmark = pytest.mark.django_db


def filter_form(client, url):
    cache.clear()  # the listing's HTML is a cached fragment: render it
    response = client.get(url)
    assert "includes/filter_form.html" in [t.name for t in response.templates], url
    return re.search(r'<form method="get".*?</form>', response.content.decode(), re.S).group(0)


def test_both_listings_use_the_shared_filter_form(agent_client):
    listing = FicheIndexPage.objects.live().get().url
    fiches = filter_form(agent_client, f"{listing}?group_size=abc")
    assert f'action="{listing}"' in fiches and f'href="{listing}"' in fiches
    assert "Filtrer les fiches" in fiches and "ignorés" in fiches
    assert 'class="fr-input-group fr-input-group--error"' in fiches  # the group size: a number, refused
    assert 'id="id_group_size_helptext"' in fiches

    sessions = filter_form(agent_client, "/sessions/?month=mauvais")
    assert 'action="/sessions/"' in sessions and 'id="session-filters"' in sessions
    assert "Filtrer les sessions" in sessions
    assert 'class="fr-select-group fr-select-group--error"' in sessions
    for form in (fiches, sessions):
        assert 'aria-labelledby="filters-title"' in form and 'role="alert"' in form
