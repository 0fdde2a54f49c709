import pytest

from progress.models import Badge, BadgeAward, ErasureRequest
from progress.services import personal_data
from tests.progress.helpers import attend, entry_module, make_session, make_user

pytestmark = pytest.mark.django_db


def test_editors_define_badges_in_the_admin(client_for):
    editor = client_for("redacteur")
    assert editor.get("/admin/snippets/progress/badge/").status_code == 200
    badge = Badge.objects.get(name="PassInnov")
    assert editor.get(f"/admin/snippets/progress/badge/edit/{badge.pk}/").status_code == 200
    response = editor.post(
        "/admin/snippets/progress/badge/add/",
        {
            "name": "Animateur confirmé",
            "description": "A animé cinq sessions.",
            "criteria": "Avoir animé cinq sessions du parcours.",
            "image": badge.image_id,
            "rule": "led",
            "count": "0",
            "active": "on",
        },
    )
    assert response.status_code == 200  # refused: a trainer rule needs at least one session
    assert not Badge.objects.filter(name="Animateur confirmé").exists()
    response = editor.post(
        "/admin/snippets/progress/badge/add/",
        {
            "name": "Animateur confirmé",
            "description": "A animé cinq sessions.",
            "criteria": "Avoir animé cinq sessions du parcours.",
            "image": badge.image_id,
            "rule": "led",
            "count": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Badge.objects.get(name="Animateur confirmé").count == 5


def test_agents_do_not_reach_badge_administration(client_for):
    agent = client_for("agent")
    assert agent.get("/admin/snippets/progress/badge/").status_code in (302, 403)


def test_admin_lists_cost_a_bounded_number_of_queries(client_for, django_assert_max_num_queries):
    admin = client_for("admin")
    for i in range(15):
        user = make_user(f"liste{i}")
        attend(user, make_session(entry_module(), days=-5 - i))
        personal_data.request_erasure(user)
    assert BadgeAward.objects.count() >= 15 and ErasureRequest.objects.count() >= 15
    with django_assert_max_num_queries(30):
        assert admin.get("/admin/passinnov/badges-decernes/").status_code == 200
    with django_assert_max_num_queries(30):
        assert admin.get("/admin/passinnov/effacements/").status_code == 200
    with django_assert_max_num_queries(30):
        assert admin.get("/admin/passinnov/badges-decernes/", {"q": "liste1"}).status_code == 200


def test_personal_pages_cost_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    user = make_user("compteur")
    for days in range(-40, -5, 5):
        attend(user, make_session(entry_module(), days=days))
    client.force_login(user)
    with django_assert_max_num_queries(20):
        assert client.get("/mon-parcours/mes-donnees/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/mon-parcours/attestations/verifier/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/mon-parcours/mes-donnees/export.json").status_code == 200


def test_a_module_list_badge_needs_modules(client_for):
    editor = client_for("redacteur")
    badge = Badge.objects.get(name="PassInnov")
    data = {
        "name": "Liste vide",
        "description": "Rien.",
        "criteria": "Rien.",
        "image": badge.image_id,
        "rule": "all_modules",
        "count": "0",
        "active": "on",
    }
    response = editor.post("/admin/snippets/progress/badge/add/", data)
    assert response.status_code == 200
    assert "Choisissez les modules" in response.content.decode()
    assert not Badge.objects.filter(name="Liste vide").exists()
    response = editor.post("/admin/snippets/progress/badge/add/", {**data, "modules": [entry_module().pk]})
    assert response.status_code == 302
    assert list(Badge.objects.get(name="Liste vide").modules.all()) == [entry_module()]


def test_commands_refuse_bad_input():
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="inconnue"):
        call_command("process_erasure", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--all-pending"):
        call_command("process_erasure", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_progress", stdout=out)
    assert "déclarations lues" in out.getvalue()


def test_an_awarded_badge_cannot_be_deleted(client_for):
    moderator = client_for("moderateur")
    badge = Badge.objects.get(name="PassInnov")
    assert BadgeAward.objects.filter(badge=badge).exists()
    response = moderator.post(f"/admin/snippets/progress/badge/delete/{badge.pk}/", follow=True)
    assert response.status_code == 200
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Badge.objects.filter(pk=badge.pk).exists()
    response = moderator.post(
        f"/admin/bulk/progress/badge/delete/?next=/admin/snippets/progress/badge/&id={badge.pk}", follow=True
    )
    assert response.redirect_chain and "ne peut pas être supprimé" in response.content.decode()
    assert Badge.objects.filter(pk=badge.pk).exists()
    unused = Badge.objects.create(
        name="Jamais délivré", description="d", criteria="c", image=badge.image, rule="led", count=9
    )
    response = moderator.post(f"/admin/snippets/progress/badge/delete/{unused.pk}/")
    assert response.status_code == 302
    assert not Badge.objects.filter(pk=unused.pk).exists()
