"""Shared accounts: nothing is visible before a moderator publishes it; refusals reach the author by email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from practices import services
from practices.models import Declaration, Moderation, Sharing
from tests.practices import helpers

pytestmark = pytest.mark.django_db

QUEUE = "/admin/passinnov/recits/"


@pytest.fixture
def fiche():
    fiche = helpers.fiche("six-chapeaux")
    Declaration.objects.filter(fiche=fiche).delete()  # the demo's own accounts would blur the counts
    return fiche


@pytest.fixture
def moderator(demo_user):
    return demo_user("moderateur")


def share(author, fiche, text, sharing=Sharing.ANONYMOUS, days=3):
    return helpers.declare(
        author, fiche, account=text, sharing=sharing, used_on=timezone.localdate() - timedelta(days=days)
    )


def test_a_shared_account_is_invisible_until_published(client, newcomer, fiche, moderator):
    declaration = share(newcomer, fiche, "Un récit en attente de relecture")
    assert declaration.moderation == Moderation.PENDING
    reader = helpers.make_agent()
    client.force_login(reader)
    html = helpers.text(client.get(fiche.url))
    assert "Un récit en attente de relecture" not in html
    assert "Aucun récit partagé pour l’instant." in html
    # The author does not see it on the fiche either: « Mes pratiques » tells them it awaits moderation.
    client.force_login(newcomer)
    assert "Un récit en attente de relecture" not in helpers.text(client.get(fiche.url))
    assert "récit en attente de modération" in helpers.text(client.get(reverse("practices:mine")))

    services.publish(declaration, moderator)
    client.force_login(reader)
    html = helpers.text(client.get(fiche.url))
    assert "Un récit en attente de relecture" in html
    assert "Partagé anonymement" in html
    assert newcomer.last_name not in html and newcomer.email not in html


def test_a_named_account_shows_how_to_contact_its_author(client, newcomer, fiche, moderator):
    services.publish(share(newcomer, fiche, "Écrivez-moi pour en parler", sharing=Sharing.NAMED), moderator)
    client.force_login(helpers.make_agent())
    html = helpers.text(client.get(fiche.url))
    assert f"{newcomer.first_name} {newcomer.last_name} (DGFiP)" in html
    assert f'href="mailto:{newcomer.email}"' in html


def test_published_accounts_are_listed_newest_first_and_paginated(client, newcomer, fiche, moderator):
    now = timezone.now()
    for number in range(services.ACCOUNTS_PER_PAGE + 2):
        declaration = share(newcomer, fiche, f"Récit numéro {number:02d}")
        services.publish(declaration, moderator, now=now + timedelta(minutes=number))
    client.force_login(newcomer)
    first_page = helpers.text(client.get(fiche.url))
    assert first_page.index("Récit numéro 06") < first_page.index("Récit numéro 05")
    assert "Récit numéro 01" not in first_page and 'aria-label="Pagination"' in first_page
    second_page = helpers.text(client.get(fiche.url + "?page=2"))
    assert "Récit numéro 01" in second_page and "Récit numéro 00" in second_page
    assert "Récit numéro 06" not in second_page
    assert client.get(fiche.url + "?page=abc").status_code == 200
    assert client.get(fiche.url + "?page=999").status_code == 200


def test_a_refused_account_stays_hidden_and_its_author_gets_the_reason(client, newcomer, fiche, moderator, on_commit):
    declaration = share(newcomer, fiche, "Trop court")
    mail.outbox.clear()
    with on_commit():
        services.reject(declaration, moderator, "Racontez en quelques lignes comment vous l’avez utilisée.")
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.REJECTED and declaration.moderated_by == moderator
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    message = mail.outbox[0]
    assert "n’a pas été publié" in message.subject
    assert "Racontez en quelques lignes comment vous l’avez utilisée." in message.body
    assert reverse("practices:edit", args=[declaration.pk]) in message.body
    client.force_login(helpers.make_agent())
    assert "Trop court" not in helpers.text(client.get(fiche.url))


def test_no_email_leaves_when_the_refusal_rolls_back(newcomer, fiche, moderator, on_commit):
    declaration = share(newcomer, fiche, "Trop court")
    mail.outbox.clear()
    with on_commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.reject(declaration, moderator, "Raison")
            raise RuntimeError("the moderation failed after the refusal")
    assert mail.outbox == []
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.PENDING


def test_editing_a_published_account_sends_it_back_to_moderation(client, newcomer, fiche, moderator):
    declaration = services.publish(share(newcomer, fiche, "Version publiée"), moderator)
    services.update(
        declaration,
        newcomer,
        **helpers.values(used_on=declaration.used_on, account="Version modifiée", sharing=Sharing.ANONYMOUS),
    )
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.PENDING and declaration.published_at is None
    client.force_login(helpers.make_agent())
    html = helpers.text(client.get(fiche.url))
    assert "Version modifiée" not in html and "Version publiée" not in html
    # Keeping the account for oneself takes it out of the queue.
    services.update(declaration, newcomer, **helpers.values(used_on=declaration.used_on, account="Version modifiée"))
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.NOT_SHARED
    assert declaration not in services.moderation_queue()


def test_moderators_publish_and_refuse_from_the_admin_queue(client_for, newcomer, fiche, on_commit):
    published = share(newcomer, fiche, "À publier depuis la file")
    refused = share(newcomer, fiche, "À refuser depuis la file", days=4)
    client = client_for("moderateur")
    html = helpers.text(client.get(QUEUE))
    assert "À publier depuis la file" in html and "À refuser depuis la file" in html
    response = client.post(reverse("practices_moderation_publish", args=[published.pk]))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.is_published

    reject_url = reverse("practices_moderation_reject", args=[refused.pk])
    assert client.get(reject_url).status_code == 200
    empty = client.post(reject_url, {"reason": "   "})
    assert empty.status_code == 400 and "Indiquez la raison" in helpers.text(empty)
    refused.refresh_from_db()
    assert refused.moderation == Moderation.PENDING
    mail.outbox.clear()
    with on_commit():
        response = client.post(reject_url, {"reason": "Hors sujet : parlez de la fiche."})
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.moderation == Moderation.REJECTED and len(mail.outbox) == 1
    # Acting twice is answered with a message, not a change.
    follow = client.post(reverse("practices_moderation_publish", args=[refused.pk]), follow=True)
    assert "n’est plus en attente de modération" in helpers.text(follow)
    refused.refresh_from_db()
    assert refused.moderation == Moderation.REJECTED
    assert client.post(reverse("practices_moderation_publish", args=[999999])).status_code == 404


def refused_by_the_admin(response):
    """Wagtail's admin answers a PermissionDenied by sending the user back to the dashboard with a message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize("username", ["redacteur", "formation", "admin"])
def test_other_admin_roles_cannot_moderate(client_for, demo_user, newcomer, fiche, username):
    declaration = share(newcomer, fiche, "Récit à modérer")
    client = client_for(username)
    assert refused_by_the_admin(client.get(QUEUE))
    assert refused_by_the_admin(client.post(reverse("practices_moderation_publish", args=[declaration.pk])))
    reject = reverse("practices_moderation_reject", args=[declaration.pk])
    assert refused_by_the_admin(client.get(reject))
    assert refused_by_the_admin(client.post(reject, {"reason": "Non"}))
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.PENDING
    with pytest.raises(services.PracticeError):
        services.publish(declaration, demo_user(username))


def test_agents_never_reach_the_queue(client_for, client, newcomer, fiche):
    declaration = share(newcomer, fiche, "Récit")
    publish = reverse("practices_moderation_publish", args=[declaration.pk])
    agent = client_for("agent")
    assert agent.get(QUEUE).status_code == 403  # the site's 403 page: agents have no admin access
    assert agent.post(publish).status_code == 403
    client.logout()
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/?next=")
    client.post(publish)
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.PENDING


def test_the_queue_query_count_does_not_grow(client_for, newcomer, fiche, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    share(newcomer, fiche, "Premier")
    client = client_for("moderateur")
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as first:
        client.get(QUEUE)
    budget = len(first)
    for number in range(15):
        share(helpers.make_agent(), fiche, f"Récit {number}", sharing=Sharing.NAMED)
    client.get(QUEUE)  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    with django_assert_max_num_queries(budget):
        assert client.get(QUEUE).status_code == 200


def test_a_moderator_takes_a_published_account_down(client, client_for, newcomer, fiche, moderator, on_commit):
    declaration = services.publish(share(newcomer, fiche, "Publié puis retiré"), moderator)
    queue = helpers.text(client_for("moderateur").get(QUEUE))
    assert reverse("practices_moderation_reject", args=[declaration.pk]) in queue and "Dépublier" in queue
    mail.outbox.clear()
    with on_commit():
        response = client_for("moderateur").post(
            reverse("practices_moderation_reject", args=[declaration.pk]),
            {"reason": "Un collègue y est reconnaissable."},
        )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.moderation == Moderation.REJECTED and declaration.published_at is None
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    assert "n’est plus publié" in mail.outbox[0].subject
    client.force_login(helpers.make_agent())
    assert "Publié puis retiré" not in helpers.text(client.get(fiche.url))
    with pytest.raises(services.PracticeError):
        services.reject(declaration, moderator, "Encore")
