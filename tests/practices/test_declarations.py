"""Declaring, editing and withdrawing the use of a fiche: ownership, learning record, bad input."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning_records import statements as xs
from learning_records.models import Statement
from practices import services
from practices.models import Declaration, Moderation, Sharing
from progress.models import Progress
from tests.practices import helpers

pytestmark = pytest.mark.django_db

USED = xs.VERBS["used"][0]


def declare_url(fiche):
    return reverse("practices:declare", args=[fiche.pk])


def test_an_agent_declares_a_use_from_the_fiche_page(client, newcomer):
    fiche = helpers.fiche("persona")
    client.force_login(newcomer)
    page = helpers.text(client.get(fiche.url))
    assert declare_url(fiche) in page and "Je l’ai utilisée" in page
    form = client.get(declare_url(fiche))
    assert form.status_code == 200
    assert "Avec combien de personnes" in helpers.text(form)

    response = client.post(declare_url(fiche), helpers.form_data(rating=5, setting="workshop"))
    assert response.status_code == 302 and response["Location"] == f"{fiche.url}#pratiques"
    declaration = Declaration.objects.get(user=newcomer)
    assert (declaration.fiche, declaration.rating, declaration.setting) == (fiche, 5, "workshop")
    assert declaration.moderation == Moderation.NOT_SHARED

    statement = Statement.objects.get(statement_id=declaration.statement_id)
    assert statement.verb_id == USED and not statement.trusted
    assert statement.object_activity_id == fiche.xapi_activity_id
    parent = statement.data["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parent] == [fiche.related_module.xapi_activity_id]
    assert statement.data["context"]["extensions"][xs.extension_practice_setting()] == "workshop"
    assert statement.data["result"]["score"]["raw"] == 5

    page = helpers.text(client.get(fiche.url, follow=True))
    assert "Merci : votre utilisation de la fiche « Persona » est enregistrée." in page
    assert "Vous avez déclaré 1 utilisation de cette fiche." in page


def test_the_account_never_enters_the_learning_record(newcomer):
    declaration = helpers.declare(newcomer, account="Un récit très personnel", sharing=Sharing.ANONYMOUS)
    statement = Statement.objects.get(statement_id=declaration.statement_id)
    assert "récit très personnel" not in statement.exact


def test_a_declaration_never_completes_a_module(newcomer):
    fiche = helpers.fiche("persona")
    for days in (3, 10, 20):
        helpers.declare(newcomer, fiche, used_on=timezone.localdate() - timedelta(days=days))
    assert not Progress.objects.filter(user=newcomer).exists()
    assert not Statement.objects.filter(actor_account_name=newcomer.xapi_account_name, trusted=True).exists()


def test_editing_voids_the_statement_and_writes_a_new_one(client, newcomer):
    declaration = helpers.declare(newcomer)
    first = declaration.statement_id
    client.force_login(newcomer)
    url = reverse("practices:edit", args=[declaration.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, helpers.form_data(rating=2, team_size="13-30"))
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.rating == 2 and declaration.statement_id != first
    old = Statement.objects.get(statement_id=first)
    assert old.voided
    voiding = Statement.objects.get(object_statement_id=first)
    assert voiding.actor_account_name == newcomer.xapi_account_name
    new = Statement.objects.get(statement_id=declaration.statement_id)
    assert not new.voided and new.data["result"]["score"]["raw"] == 2
    assert Statement.objects.active().filter(verb_id=USED, actor_account_name=newcomer.xapi_account_name).count() == 1


def test_editing_only_the_account_writes_no_statement(newcomer):
    declaration = helpers.declare(newcomer)
    before = Statement.objects.count()
    services.update(declaration, newcomer, **helpers.values(account="Très utile en réunion de service."))
    declaration.refresh_from_db()
    assert Statement.objects.count() == before
    assert declaration.account == "Très utile en réunion de service."
    assert declaration.moderation == Moderation.NOT_SHARED


def test_withdrawing_voids_the_statement_and_deletes_the_declaration(client, newcomer):
    declaration = helpers.declare(newcomer)
    client.force_login(newcomer)
    url = reverse("practices:withdraw", args=[declaration.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Retirer ma déclaration" in helpers.text(confirm)
    assert Declaration.objects.filter(pk=declaration.pk).exists()  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("practices:mine")
    assert not Declaration.objects.filter(pk=declaration.pk).exists()
    assert Statement.objects.get(statement_id=declaration.statement_id).voided


def test_only_the_author_edits_or_withdraws(client, newcomer):
    declaration = helpers.declare(newcomer, account="Mon récit", sharing=Sharing.NAMED)
    other = helpers.make_agent()
    client.force_login(other)
    for name in ("edit", "withdraw"):
        url = reverse(f"practices:{name}", args=[declaration.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, helpers.form_data(rating=1)).status_code == 404
    with pytest.raises(services.PracticeError) as error:
        services.update(declaration, other, **helpers.values(rating=1))
    assert error.value.code == "not_owner"
    with pytest.raises(services.PracticeError):
        services.withdraw(declaration, other)
    declaration.refresh_from_db()
    assert declaration.rating == 4
    assert not Statement.objects.get(statement_id=declaration.statement_id).voided
    # My practices lists only one's own declarations.
    assert "Mon récit" not in helpers.text(client.get(reverse("practices:mine")))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"used_on": (date.today() + timedelta(days=2)).isoformat()}, "used_on", "ne peut pas être dans le futur"),
        ({"used_on": "2017-12-31"}, "used_on", "ne peut pas être antérieure au 1er janvier 2018"),
        ({"used_on": "31/02/2026"}, "used_on", "Indiquez une date valide."),
        ({"team_size": "1000"}, "team_size", "Choisissez l’une des réponses proposées."),
        ({"audience": ""}, "audience", "Choisissez l’une des réponses proposées."),
        ({"setting": "<script>"}, "setting", "Choisissez l’une des réponses proposées."),
        ({"rating": "6"}, "rating", "Choisissez une note de 1 à 5."),
        ({"rating": "abc"}, "rating", "Choisissez une note de 1 à 5."),
        ({"account": "x" * 1001}, "account", "1000 caractères"),
        ({"sharing": "public"}, "sharing", "Choisissez l’une des réponses proposées."),
        ({"sharing": "named", "account": "  "}, "account", "Écrivez votre récit pour le partager"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(client, newcomer, overrides, field, message):
    fiche = helpers.fiche()
    client.force_login(newcomer)
    before = Statement.objects.count()
    response = client.post(declare_url(fiche), helpers.form_data(**overrides))
    assert response.status_code == 400
    assert message in helpers.text(response)
    assert response.context["form"].errors.get(field)
    assert not Declaration.objects.filter(user=newcomer).exists()
    assert Statement.objects.count() == before


def test_bad_input_on_edit_changes_nothing(client, newcomer):
    declaration = helpers.declare(newcomer)
    client.force_login(newcomer)
    response = client.post(reverse("practices:edit", args=[declaration.pk]), helpers.form_data(rating="9"))
    assert response.status_code == 400
    declaration.refresh_from_db()
    assert declaration.rating == 4 and not Statement.objects.get(statement_id=declaration.statement_id).voided


def test_unknown_or_unpublished_fiches_cannot_be_declared(client, newcomer):
    from tests.home.editorial import add_fiche

    draft = add_fiche("Brouillon de fiche", live=False)
    client.force_login(newcomer)
    assert client.get(declare_url(draft)).status_code == 404
    assert client.post(declare_url(draft), helpers.form_data()).status_code == 404
    assert client.get("/pratiques/fiches/999999/je-l-ai-utilisee/").status_code == 404
    with pytest.raises(services.PracticeError):
        services.declare(newcomer, draft, **helpers.values())
    assert not Declaration.objects.filter(user=newcomer).exists()


def test_my_practices_lists_declarations_by_module_and_fiche(client, newcomer):
    persona, meteo = helpers.fiche("persona"), helpers.fiche("meteo-d-inclusion")
    helpers.declare(newcomer, persona, used_on=date(2026, 3, 2))
    helpers.declare(newcomer, meteo, used_on=date(2026, 3, 9))
    helpers.declare(newcomer, meteo, used_on=date(2026, 3, 16), account="À refaire", sharing=Sharing.ANONYMOUS)
    client.force_login(newcomer)
    html = helpers.text(client.get(reverse("practices:mine")))
    text = " ".join(html.split())
    assert "3 utilisations déclarées, 2 fiches différentes" in text
    assert f"Module « {persona.related_module.title} »" in html and f"Module « {meteo.related_module.title} »" in html
    assert "(2 utilisations)" in text
    assert "récit en attente de modération" in html


def test_the_training_departments_lrs_pulls_declarations_and_their_voiding(client, newcomer):
    """Self-declarations reach the LRS like every statement: the Statement API serves them, then their voiding."""
    import base64
    import json

    from learning_records.models import Credential

    credential = Credential(name="LRS du service formation", scopes=["statements/read"])
    secret = credential.set_secret()
    credential.save()
    headers = {
        "Authorization": "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode(),
        "X-Experience-API-Version": "1.0.3",
    }
    declaration = helpers.declare(newcomer)
    agent = json.dumps(
        {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": newcomer.xapi_account_name}}
    )
    pulled = client.get("/xapi/statements", {"agent": agent, "verb": USED}, headers=headers).json()["statements"]
    assert [s["id"] for s in pulled] == [str(declaration.statement_id)]
    assert pulled[0]["authority"]["account"]["name"] == newcomer.xapi_account_name
    services.withdraw(declaration, newcomer)
    voided = client.get("/xapi/statements", {"voidedStatementId": str(declaration.statement_id)}, headers=headers)
    assert voided.status_code == 200 and voided.json()["id"] == str(declaration.statement_id)
    # The same query now gives the voiding statement (xAPI's StatementRef filter rule): the LRS voids its copy.
    after = client.get("/xapi/statements", {"agent": agent, "verb": USED}, headers=headers).json()["statements"]
    assert [(s["verb"]["id"], s["object"]) for s in after] == [
        (xs.VERBS["voided"][0], {"objectType": "StatementRef", "id": str(declaration.statement_id)})
    ]
