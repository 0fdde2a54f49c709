"""Mon parcours says where the agent really is: the stepper counts the programme and names what is left, each
state is explained, each badge not yet earned says what is missing; « Mes données » speaks plain French and
its export explains itself."""

import json

import pytest
from django.utils.html import escape

from parcours.models import ModulePage
from progress.models import Badge, Progress
from progress.services import badges, dashboard, personal_data
from tests.progress.helpers import attend, entry_module, make_session, other_modules

pytestmark = pytest.mark.django_db


def test_without_a_choice_the_stepper_counts_every_module_and_names_what_is_left(newcomer, client):
    modules = list(ModulePage.objects.live())
    attend(newcomer, make_session(entry_module(), days=-5))
    html = client.get("/mon-parcours/").content.decode().replace("\xa0", " ")
    assert f"Étape 2 sur {len(modules)}" in html
    remaining = html[html.index('id="remaining"') :]
    remaining = remaining[: remaining.index("</p>")]
    assert f"Il vous reste {len(modules) - 1} modules dans votre parcours" in remaining
    for module in other_modules():
        assert escape(module.title) in remaining
    assert escape(entry_module().title) not in remaining


def test_with_a_choice_the_stepper_counts_the_entry_module_and_the_chosen_ones(newcomer, client):
    chosen = other_modules()[:2]
    client.post("/mon-parcours/", {"modules": [m.pk for m in chosen]})
    attend(newcomer, make_session(entry_module(), days=-5))
    attend(newcomer, make_session(chosen[0], days=-3))
    html = client.get("/mon-parcours/").content.decode().replace("\xa0", " ")
    assert "Étape 3 sur 3" in html
    remaining = html[html.index('id="remaining"') :]
    assert "Il vous reste 1 module dans votre parcours" in remaining and escape(chosen[1].title) in remaining


def test_each_state_is_explained_in_one_sentence(newcomer, client):
    html = client.get("/mon-parcours/").content.decode().replace("\xa0", " ")
    legend = html[html.index('id="status-help"') : html.index("</details>", html.index('id="status-help"'))]
    for status in Progress.Status:
        assert str(status.label).capitalize().replace("\xa0", " ") in legend
        assert str(dashboard.STATUS_HELP[status]).replace("\xa0", " ") in legend
    assert "présence" in legend.lower() and "terminé" in legend.lower()


def test_each_badge_not_yet_earned_says_what_is_missing(newcomer, client):
    entry, *others = [entry_module(), *other_modules()]
    attend(newcomer, make_session(entry, days=-5))
    response = client.get("/mon-parcours/")
    html = response.content.decode().replace("\xa0", " ")
    section = html[html.index('id="badges-to-earn"') :]
    passinnov = Badge.objects.get(name="PassInnov")
    assert passinnov.name in section and "Suivez encore 3 modules de votre choix." in section
    practitioner = Badge.objects.get(rule=Badge.Rule.DECLARED_USES)
    assert practitioner.name in section and "Déclarez encore 5 utilisations des fiches pratiques." in section
    # The entry module's own badge is earned: it is not listed; a later module's badge names its module.
    items = {item.badge.name: item.missing for item in response.context["dashboard"].badges_to_earn}
    assert f"Module {entry.title}" not in items
    assert items[f"Module {others[0].title}"] == [f"Suivez le module « {others[0].title} »."]
    # An agent who does not facilitate is not asked to lead sessions.
    assert not any(Badge.objects.get(name=name).is_trainer_badge for name in items)


def test_what_is_missing_covers_every_rule():
    entry, a, b = entry_module(), *other_modules()[:2]
    titles = {m.pk: m.title for m in (entry, a, b)}
    image = Badge.objects.get(name="PassInnov").image
    all_of = Badge.objects.create(name="Les deux", description="d", criteria="c", image=image, rule="all_modules")
    all_of.modules.set([a, b])
    assert badges.what_is_missing(all_of, {a.pk}, {entry.pk}, None, titles=titles) == [
        f"Suivez le module « {b.title} »."
    ]
    assert badges.what_is_missing(all_of, set(), {entry.pk}, None, titles=titles) == [
        f"Suivez les modules « {a.title} », « {b.title} »."
        if a.title < b.title
        else f"Suivez les modules « {b.title} », « {a.title} »."
    ]
    plus = Badge(rule=Badge.Rule.ENTRY_PLUS, count=2)
    assert badges.what_is_missing(plus, {a.pk}, {entry.pk}, None, titles=titles) == [
        f"Suivez le module d’entrée « {entry.title} ».",
        "Suivez encore 1 module de votre choix.",
    ]
    assert badges.what_is_missing(plus, {entry.pk, a.pk, b.pk}, {entry.pk}, None, titles=titles) == []
    declared = Badge(rule=Badge.Rule.DECLARED_USES, count=5, fiche_count=3)
    assert badges.what_is_missing(declared, set(), {entry.pk}, None, (4, 1)) == [
        "Déclarez encore 1 utilisation d’une fiche pratique.",
        "Utilisez encore 2 fiches différentes.",
    ]
    led = Badge(rule=Badge.Rule.LED, count=2)
    assert badges.what_is_missing(led, set(), set(), None) == [
        "Animez encore 2 sessions en tant qu’animateur principal."
    ]
    co = Badge(rule=Badge.Rule.CO_FACILITATED, count=2)
    assert badges.what_is_missing(co, set(), set(), type("T", (), {"led": 0, "co_facilitated": 1})()) == [
        "Coanimez encore 1 session."
    ]


def test_my_data_speaks_plain_french(newcomer, client):
    html = client.get("/mon-parcours/mes-donnees/").content.decode().replace("\xa0", " ")
    main = html[html.index("<main") : html.index("</main>")]
    assert "déclarations xAPI" not in main and "LRS" not in main
    assert "Ce que contient le fichier" in main
    for key, description in personal_data.EXPORT_SECTIONS:
        assert f"<code>{key}</code>" in main and escape(str(description)).replace("\xa0", " ") in main


def test_the_export_explains_itself_in_french_and_stays_machine_readable(newcomer, client):
    attend(newcomer, make_session(entry_module(), days=-5))
    response = client.get("/mon-parcours/mes-donnees/export.json")
    data = json.loads(response.content)
    assert data["format"] == "passinnov-personal-data/1"
    guide = data["guide"]
    assert "Tout ce que PassInnov conserve" in guide["about"]
    assert set(guide["sections"]) >= set(data) - {"format", "exported_at", "guide"}
    assert guide["values"]["registrations.status"]["registered"] == "inscrit"
    assert (
        guide["values"]["registrations.attendance"]["present"] == "oui"
    )  # « Présence : oui » (no adjective to agree with the agent)
    # Every coded value in the file has its French meaning in the guide.
    for registration in data["registrations"]:
        assert registration["status"] in guide["values"]["registrations.status"]
    for row in data["progress"]:
        assert row["status"] in guide["values"]["progress.status"]
