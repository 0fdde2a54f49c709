"""Facilitation kits: who reads them, the run sheet's total, the private materials, the printable version."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from parcours.models import ModulePage
from tests.home.editorial import count_queries
from trainers.models import FacilitationKitPage

pytestmark = pytest.mark.django_db

# demo account -> (kit page, printable version, material) answers; "demo.agent01" is a nominated trainee
# without any other role.
READERS = {
    None: ("login", "login", "login"),
    "agent": (403, 403, 403),
    "redacteur": (403, 403, 403),
    "moderateur": (403, 403, 403),
    "animateur": (200, 200, 200),
    "formation": (200, 200, 200),
    "admin": (403, 403, 403),
    "demo.agent01": (200, 200, 200),
}


@pytest.fixture
def kit():
    return FacilitationKitPage.objects.live().get(slug="kit-d-animation")


def answer(response):
    if response.status_code == 302 and response["Location"].startswith("/connexion/"):
        return "login"
    return response.status_code


@pytest.mark.parametrize("username", list(READERS))
def test_only_facilitators_trainees_and_the_training_department_read_the_kit(client, kit, username):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    material = kit.materials.first()
    urls = [kit.url, f"{kit.url}imprimer/", f"{kit.url}materiel/{material.document_id}/"]
    got = tuple(answer(client.get(url)) for url in urls)
    assert got == READERS[username]


def test_the_demo_kit_fills_the_entry_module_with_timed_sequences(kit):
    module = kit.get_parent().specific
    assert module.is_entry_module
    assert kit.total_minutes == module.duration_minutes == 90
    timeline = kit.timeline()
    assert len(timeline) >= 6
    assert timeline[0]["start"] == 0 and timeline[-1]["end"] == 90
    for row in timeline:
        assert row["value"]["objective"] and row["value"]["instructions"]
    assert any(row["value"]["fiche"] for row in timeline)
    assert kit.materials.count() >= 1


def test_the_kit_page_shows_the_run_sheet_with_its_clock(client_for, kit):
    response = client_for("animateur").get(kit.url)
    html = response.content.decode()
    assert "0:00 – 0:10" in html
    assert "1:25 – 1:30" in html
    assert "Version imprimable" in html
    assert f"{kit.url}materiel/" in html


def test_the_printable_version_is_one_table_with_its_print_stylesheet(client_for, kit):
    html = client_for("animateur").get(f"{kit.url}imprimer/").content.decode()
    assert "trainers/css/kit-print.css" in html
    assert html.count("<tr>") == len(kit.timeline()) + 1
    assert "style=" not in html and "<style" not in html


def test_materials_are_downloads_with_the_upload_headers(client_for, kit):
    material = kit.materials.select_related("document").first()
    response = client_for("demo.agent01").get(f"{kit.url}materiel/{material.document_id}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)


def test_a_document_not_attached_to_the_kit_is_not_served_through_it(client_for, kit):
    from wagtail.documents.models import Document

    other = Document.objects.exclude(pk__in=kit.materials.values("document_id")).first()
    assert client_for("animateur").get(f"{kit.url}materiel/{other.pk}/").status_code == 404


@pytest.mark.parametrize("username, served", [("agent", False), ("demo.agent01", False), ("animateur", True)])
def test_materials_stay_private_at_the_document_url(client_for, kit, username, served):
    """Wagtail's own document URL keeps the kit collection's restriction (people who may facilitate)."""
    document = kit.materials.select_related("document").first().document
    response = client_for(username).get(document.url)
    assert (response.status_code == 200) is served


@pytest.mark.parametrize("username, shown", [("agent", False), ("animateur", True), ("demo.agent01", True)])
def test_the_module_page_links_its_kit_for_its_readers_only(client_for, kit, username, shown):
    module = kit.get_parent().specific
    html = client_for(username).get(module.url).content.decode()
    assert (kit.url in html) is shown


def test_a_nomination_a_withdrawal_and_an_unpublished_kit_change_the_module_page_at_once(client_for, kit):
    """Who reads the kits and which kit a module has are cached (trainers.access.is_trainee, the kit link):
    a nomination saved or deleted and a kit unpublished show on the very next request."""
    from pilotage.models import TrainerProfile

    module = kit.get_parent().specific
    agent = client_for("agent")
    assert kit.url not in agent.get(module.url).content.decode()
    profile = TrainerProfile.objects.create(user=get_user_model().objects.get(username="agent"))
    assert kit.url in agent.get(module.url).content.decode()
    assert agent.get(kit.url).status_code == 200
    profile.delete()
    assert kit.url not in agent.get(module.url).content.decode()
    assert agent.get(kit.url).status_code == 403

    facilitator = client_for("animateur")
    assert kit.url in facilitator.get(module.url).content.decode()
    kit.unpublish()
    assert kit.url not in facilitator.get(module.url).content.decode()


def test_the_kit_page_costs_the_same_whatever_the_number_of_sequences(client_for, kit):
    client = client_for("animateur")
    count_queries(client, kit.url)  # the first request builds the shared fragments (chrome, menus)
    before = count_queries(client, kit.url)
    raw = [{"type": b["type"], "value": b["value"]} for b in kit.sequences.raw_data]
    kit.sequences = raw + [{"type": b["type"], "value": dict(b["value"], duration_minutes=1)} for b in raw]
    kit.save(clean=False)
    assert len(kit.timeline()) == 2 * len(raw)
    count_queries(client, kit.url)  # the changed page rebuilds what it caches once
    assert count_queries(client, kit.url) == before


# --- Editors write kits in the admin -------------------------------------------------------------------


def kit_form(title, minutes):
    return nested_form_data(
        {
            "title": title,
            "slug": "kit",
            "introduction": rich_text("<p>Préparation.</p>"),
            "sequences": streamfield(
                [
                    (
                        "sequence",
                        {
                            "title": f"Séquence {i}",
                            "duration_minutes": m,
                            "objective": "Objectif",
                            "instructions": rich_text("<p>Consignes</p>"),
                            "material": "",
                            "fiche": "",
                            "pitfalls": "",
                        },
                    )
                    for i, m in enumerate(minutes)
                ]
            ),
            "materials": inline_formset([]),
        }
    )


def test_an_editor_edits_the_kit_in_the_admin(client_for, kit):
    assert client_for("redacteur").get(f"/admin/pages/{kit.pk}/edit/").status_code == 200


def test_an_editor_creates_a_kit_whose_sequences_fill_the_module(client_for):
    module = ModulePage.objects.get(slug="creativite")
    url = f"/admin/pages/add/trainers/facilitationkitpage/{module.pk}/"
    client = client_for("redacteur")
    response = client.post(url, kit_form("Kit créativité", [30, 30]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Les séquences durent 60 minutes au total, le module 90 minutes" in str(errors.get("sequences")), errors
    assert not FacilitationKitPage.objects.child_of(module).exists()

    response = client.post(url, kit_form("Kit créativité", [30, 45, 15]))
    assert response.status_code == 302
    assert FacilitationKitPage.objects.child_of(module).get().total_minutes == 90


def test_one_kit_per_module(kit):
    module = kit.get_parent().specific
    assert not FacilitationKitPage.can_create_at(module)
    assert FacilitationKitPage.can_create_at(ModulePage.objects.get(slug="creativite"))


def test_a_changed_duration_is_refused_in_french(kit):
    from django.core.exceptions import ValidationError

    kit.sequences = [("sequence", dict(kit.sequences[0].value, duration_minutes=200))]
    with pytest.raises(ValidationError) as error:
        kit.full_clean()
    assert "200 minutes au total" in error.value.message_dict["sequences"][0]


def test_a_material_outside_a_restricted_collection_is_refused_in_french(kit):
    """Wagtail's document URL serves a document by its collection's rules: a kit material in an open collection
    would be downloadable by every signed-in agent, so the kit refuses it."""
    from django.core.exceptions import ValidationError
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    from trainers.models import KitMaterial

    open_document = Document.objects.create(title="Diaporama", collection=Collection.get_first_root_node())
    with pytest.raises(ValidationError) as error:
        KitMaterial(kit=kit, document=open_document).full_clean()
    assert "que tout agent connecté peut lire" in error.value.message_dict["document"][0]

    private_document = kit.materials.select_related("document").first().document
    KitMaterial(kit=kit, document=private_document).full_clean()  # the kits' restricted collection: accepted


def test_an_editor_cannot_attach_an_open_document_to_a_kit(client_for, kit):
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    open_document = Document.objects.create(title="Diaporama", collection=Collection.get_first_root_node())
    module = ModulePage.objects.get(slug="creativite")
    data = kit_form("Kit créativité", [30, 45, 15])
    data.update(nested_form_data({"materials": inline_formset([{"document": open_document.pk, "label": ""}])}))
    response = client_for("redacteur").post(f"/admin/pages/add/trainers/facilitationkitpage/{module.pk}/", data)
    assert response.status_code == 200
    assert not FacilitationKitPage.objects.child_of(module).exists()
