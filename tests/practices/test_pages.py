"""Every new page: who may open it, and what it costs (queries that do not grow with the data)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices import services
from practices.models import Sharing
from tests.practices import helpers

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)


def many_declarations(fiche, moderator, agents=12):
    for number in range(agents):
        author = helpers.make_agent(directorate=["DGFiP", "DGE", "INSEE", "SG"][number % 4])
        for day in range(3):
            declaration = helpers.declare(
                author,
                fiche,
                used_on=timezone.localdate() - timedelta(days=day + 1),
                account=f"Récit {number}-{day}",
                sharing=Sharing.NAMED if number % 2 else Sharing.ANONYMOUS,
            )
            services.publish(declaration, moderator)


# --- Who may open what --------------------------------------------------------------------------------


@pytest.fixture
def own(newcomer):
    return helpers.declare(newcomer)


def agent_urls(declaration, module):
    return [
        reverse("practices:mine"),
        reverse("practices:declare", args=[declaration.fiche_id]),
        reverse("practices:edit", args=[declaration.pk]),
        reverse("practices:withdraw", args=[declaration.pk]),
        reverse("practices:follow_up", args=[module.pk]),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, own):
    module = helpers.entry_module()
    admin_urls = ["/admin/passinnov/recits/", f"/admin/passinnov/recits/{own.pk}/refuser/"]
    for url in agent_urls(own, module):
        for response in (client.get(url), client.post(url, helpers.form_data())):
            assert response.status_code == 302 and response["Location"].startswith("/connexion/"), url
    for url in admin_urls:
        assert client.get(url).status_code == 302
    assert client.post(f"/admin/passinnov/recits/{own.pk}/publier/").status_code == 302
    own.refresh_from_db()
    assert own.rating == 4


def test_the_author_opens_their_pages(client, newcomer, own, settings):
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    module = helpers.entry_module()
    helpers.attended_days_ago(newcomer, module, 61)
    client.force_login(newcomer)
    for url in agent_urls(own, module):
        assert client.get(url).status_code == 200, url


def test_another_agent_gets_404_on_someone_elses_declaration(client, own):
    client.force_login(helpers.make_agent())
    for url in agent_urls(own, helpers.entry_module())[2:4]:
        assert client.get(url).status_code == 404
        assert client.post(url, helpers.form_data(rating=1)).status_code == 404
    own.refresh_from_db()
    assert own.rating == 4


def test_methods_other_than_get_and_post_are_refused(client, newcomer, own):
    client.force_login(newcomer)
    assert client.post(reverse("practices:mine")).status_code == 405
    assert client.put(reverse("practices:declare", args=[own.fiche_id])).status_code == 405
    assert client.delete(reverse("practices:withdraw", args=[own.pk])).status_code == 405
    assert client.get(f"/admin/passinnov/recits/{own.pk}/publier/").status_code in (302, 403, 405)


@pytest.mark.parametrize("username, allowed", [("moderateur", True), ("redacteur", False), ("formation", False)])
def test_the_moderation_queue_by_role(client_for, own, username, allowed):
    """Wagtail's admin answers a refusal (PermissionDenied) with a redirect to its dashboard."""
    client = client_for(username)
    for url in ("/admin/passinnov/recits/", f"/admin/passinnov/recits/{own.pk}/refuser/"):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_moderation_menu_item_shows_to_moderators_only(client_for):
    assert "/admin/passinnov/recits/" in helpers.text(client_for("moderateur").get("/admin/"))
    assert "/admin/passinnov/recits/" not in helpers.text(client_for("redacteur").get("/admin/"))


# --- Query counts -------------------------------------------------------------------------------------


def test_fiche_page_queries_do_not_grow_with_declarations(client, newcomer, demo_user):
    fiche = helpers.fiche("storyboard")
    services.publish(
        helpers.declare(newcomer, fiche, account="Premier récit", sharing=Sharing.NAMED), demo_user("moderateur")
    )
    client.force_login(newcomer)
    count_queries(client, fiche.url)  # warm the site and settings caches
    small = count_queries(client, fiche.url)
    many_declarations(fiche, demo_user("moderateur"))
    for day in range(5):
        helpers.declare(newcomer, fiche, used_on=timezone.localdate() - timedelta(days=10 + day))
    client.get(fiche.url)  # the declarations changed: the first request rebuilds the shared figures
    large = count_queries(client, fiche.url)
    html = helpers.text(client.get(fiche.url))
    assert "Utilisée 42 fois dans 4 directions" in html
    assert large <= small, (small, large)
    client.get(fiche.url + "?page=3")
    assert count_queries(client, fiche.url + "?page=3") <= small


def test_my_practices_queries_do_not_grow(client, newcomer):
    client.force_login(newcomer)
    helpers.declare(newcomer, helpers.fiche("persona"))
    count_queries(client, reverse("practices:mine"))
    small = count_queries(client, reverse("practices:mine"))
    for slug in ("persona", "brainstorming", "world-cafe", "pitch", "storyboard"):
        for day in range(4):
            helpers.declare(newcomer, helpers.fiche(slug), used_on=timezone.localdate() - timedelta(days=day + 1))
    assert count_queries(client, reverse("practices:mine")) <= small


def test_mon_parcours_with_practices_stays_bounded(client, newcomer, settings, django_assert_max_num_queries):
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    module = helpers.entry_module()
    helpers.attended_days_ago(newcomer, module, 61)
    client.force_login(newcomer)
    helpers.declare(newcomer, helpers.fiche("persona"))
    count_queries(client, "/mon-parcours/")
    small = count_queries(client, "/mon-parcours/")
    for slug in ("persona", "brainstorming", "world-cafe", "pitch"):
        for day in range(4):
            helpers.declare(newcomer, helpers.fiche(slug), used_on=timezone.localdate() - timedelta(days=day + 1))
    for other in helpers.fiches_of(module)[:2]:
        helpers.declare(helpers.make_agent(), other)
    client.get(
        "/mon-parcours/"
    )  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    assert count_queries(client, "/mon-parcours/") <= small
    with django_assert_max_num_queries(48):
        client.get("/mon-parcours/")


def test_follow_up_page_queries_do_not_grow(client, newcomer, settings):
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    module = helpers.entry_module()
    helpers.attended_days_ago(newcomer, module, 61)
    client.force_login(newcomer)
    url = reverse("practices:follow_up", args=[module.pk])
    count_queries(client, url)
    small = count_queries(client, url)
    for fiche in helpers.fiches_of(module):
        helpers.declare(newcomer, fiche)
    assert count_queries(client, url) <= small
