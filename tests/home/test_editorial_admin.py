"""An editor ("Rédacteurs") creates and submits each page type in the French admin; a moderator publishes."""

import pytest
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield
from wagtailmedia.models import get_media_model

from core.models import Directorate, Theme
from fiches.models import FicheIndexPage, FichePage
from home.editorial import WORKFLOW_NAME
from home.models import HomePage
from parcours.models import ModulePage, ParcoursPage
from videos import models as videos_models

pytestmark = pytest.mark.django_db


def build_module():
    entry = ModulePage.objects.get(is_entry_module=True)
    return (
        ParcoursPage.objects.get(),
        ModulePage,
        {
            "title": "Design fiction",
            "slug": "design-fiction",
            "theme": Theme.objects.get(slug="design-thinking").pk,
            "summary": "Imaginer le service public de 2040 pour mieux décider aujourd'hui.",
            "duration_minutes": "90",
            "format": "on_site",
            "prerequisites": [entry.pk],
            "objectives": rich_text("<ul><li>Écrire un scénario d'anticipation.</li></ul>"),
            "programme": streamfield(
                [
                    ("heading", "Déroulé"),
                    (
                        "steps",
                        {
                            "steps": streamfield(
                                [
                                    (
                                        "item",
                                        {
                                            "title": "Inclusion",
                                            "duration_minutes": "10",
                                            "description": rich_text("<p>Tour de table.</p>"),
                                        },
                                    )
                                ]
                            )
                        },
                    ),
                ]
            ),
            "documents": inline_formset([]),
        },
    )


def build_fiche():
    return (
        FicheIndexPage.objects.get(),
        FichePage,
        {
            "title": "Lotus blossom",
            "slug": "lotus-blossom",
            "theme": Theme.objects.get(slug="creativite").pk,
            "related_module": ModulePage.objects.get(slug="creativite").pk,
            "tags": "idéation, lotus",
            "duration_minutes": "40",
            "group_size_min": "2",
            "group_size_max": "8",
            "objective": "Déplier une idée centrale en 64 idées dérivées.",
            "when_to_use": "Quand une idée prometteuse mérite d'être explorée en profondeur.",
            "materials": "Grande feuille\nFeutres",
            "steps": streamfield(
                [
                    (
                        "step",
                        {
                            "title": "Idée centrale",
                            "duration_minutes": "5",
                            "description": rich_text("<p>Au centre.</p>"),
                        },
                    )
                ]
            ),
            "tips": rich_text("<p>Chronométrez chaque couronne.</p>"),
            "variants": rich_text(""),
        },
    )


def build_video():
    demo = videos_models.VideoPage.objects.live().first()
    return (
        videos_models.VideoIndexPage.objects.get(),
        videos_models.VideoPage,
        {
            "title": "Le world café en images",
            "slug": "world-cafe-en-images",
            "summary": "Trois tables, trois questions.",
            "video": get_media_model().objects.filter(type="video").first().pk,
            "poster": get_image_model().objects.get(pk=demo.poster_id).pk,
            "captions": get_document_model().objects.get(pk=demo.captions_id).pk,
            "transcript": rich_text("<p>Trois tables, trois questions, des nappes en papier.</p>"),
            "related_module": "",
        },
    )


def build_testimonial():
    return (
        videos_models.TestimonialIndexPage.objects.get(),
        videos_models.TestimonialPage,
        {
            "title": "Lucas : « Nos réunions ont changé »",
            "slug": "lucas",
            "first_name": "Lucas",
            "job_title": "contrôleur des douanes",
            "directorate": Directorate.objects.get(acronym="DGDDI").pk,
            "quote": "Nos réunions durent moins longtemps et tout le monde y parle.",
            "story": rich_text("<p>Après le module, Lucas a testé la météo d'inclusion avec son équipe.</p>"),
            "photo": "",
            "photo_alt": "",
            "video_page": "",
            "related_module": ModulePage.objects.get(is_entry_module=True).pk,
        },
    )


def post_data(client, add_url, fields, action):
    response = client.get(add_url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for key in [k for k in data if k.split("-")[0] in fields]:
        del data[key]
    for key, value in nested_form_data(fields).items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = value
    data.setdefault("comments-TOTAL_FORMS", "0")
    data.setdefault("comments-INITIAL_FORMS", "0")
    data[action] = "1"
    return data


@pytest.mark.parametrize("build", [build_module, build_fiche, build_video, build_testimonial], ids=lambda f: f.__name__)
def test_editor_submits_and_moderator_publishes(client_for, build):
    parent, model, fields = build()
    add_url = reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))

    editor = client_for("redacteur")
    # An editor cannot publish directly: "publish" only saves a draft.
    response = editor.post(add_url, post_data(editor, add_url, fields, "action-publish"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    page = model.objects.child_of(parent).get(slug=fields["slug"])
    assert not page.live

    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = editor.post(edit_url, post_data(editor, edit_url, fields, "action-submit"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    page.refresh_from_db()
    assert not page.live
    task_state = page.current_workflow_task_state
    assert task_state is not None and task_state.workflow_state.workflow.name == WORKFLOW_NAME

    moderator = client_for("moderateur")
    response = moderator.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)), {"comment": ""}
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live

    agent = client_for("agent")
    response = agent.get(page.url)
    assert response.status_code == 200
    assert fields["title"].split(" :")[0] in response.content.decode().replace("&#x27;", "'")


def test_new_fiche_is_found_through_filters_and_search(client_for):
    parent, model, fields = build_fiche()
    add_url = reverse("wagtailadmin_pages:add", args=("fiches", "fichepage", parent.pk))
    moderator = client_for("moderateur")  # moderators publish directly
    response = moderator.post(add_url, post_data(moderator, add_url, fields, "action-publish"))
    assert response.status_code == 302
    fiche = FichePage.objects.get(slug="lotus-blossom")
    assert fiche.live
    agent = client_for("agent")
    response = agent.get(parent.url + "?tag=lotus&theme=creativite&duration=medium&group_size=4")
    assert [f.title for f in response.context["fiches"]] == ["Lotus blossom"]
    response = agent.get("/recherche/?q=lotus")
    assert "Lotus blossom" in response.content.decode()


def test_module_form_refuses_a_second_entry_module(client_for):
    parent, model, fields = build_module()
    fields["is_entry_module"] = "on"
    add_url = reverse("wagtailadmin_pages:add", args=("parcours", "modulepage", parent.pk))
    moderator = client_for("moderateur")
    response = moderator.post(add_url, post_data(moderator, add_url, fields, "action-publish"))
    assert response.status_code == 200  # the form comes back with the error
    assert not ModulePage.objects.filter(slug="design-fiction", live=True).exists()
    assert "déjà le module d’entrée" in response.content.decode()


def test_video_without_captions_cannot_be_published(client_for):
    parent, model, fields = build_video()
    fields["captions"] = ""
    add_url = reverse("wagtailadmin_pages:add", args=("videos", "videopage", parent.pk))
    moderator = client_for("moderateur")
    response = moderator.post(add_url, post_data(moderator, add_url, fields, "action-publish"))
    assert response.status_code == 200
    assert not videos_models.VideoPage.objects.filter(slug=fields["slug"], live=True).exists()


def test_workflow_and_page_permissions_are_set_up():
    home = HomePage.objects.get()
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert home.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == ["Modérateurs"]
    editors = {p.permission.codename for p in home.group_permissions.filter(group__name="Rédacteurs")}
    moderators = {p.permission.codename for p in home.group_permissions.filter(group__name="Modérateurs")}
    assert "publish_page" not in editors and {"add_page", "change_page"} <= editors
    assert "publish_page" in moderators
    assert Page.objects.get(pk=home.pk).permissions_for_user
