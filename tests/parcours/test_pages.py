import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from fiches.models import FicheIndexPage, FichePage
from home.models import HomePage, StandardPage
from parcours.models import ModulePage, ParcoursPage
from tests.home.editorial import cold_and_warm_queries
from trainers.models import FacilitationKitPage
from videos import models as videos_models

VideoIndexPage, VideoPage = videos_models.VideoIndexPage, videos_models.VideoPage
TESTIMONIAL_INDEX, TESTIMONIAL = videos_models.TestimonialIndexPage, videos_models.TestimonialPage

pytestmark = pytest.mark.django_db

# page type -> (allowed parents, allowed children)
RULES = {
    HomePage: ({Page}, {ParcoursPage, FicheIndexPage, VideoIndexPage, TESTIMONIAL_INDEX, StandardPage}),
    StandardPage: ({HomePage, StandardPage}, {StandardPage}),
    ParcoursPage: ({HomePage}, {ModulePage}),
    ModulePage: ({ParcoursPage}, {FacilitationKitPage}),
    FacilitationKitPage: ({ModulePage}, set()),
    FicheIndexPage: ({HomePage}, {FichePage}),
    FichePage: ({FicheIndexPage}, set()),
    VideoIndexPage: ({HomePage}, {VideoPage}),
    VideoPage: ({VideoIndexPage}, set()),
    TESTIMONIAL_INDEX: ({HomePage}, {TESTIMONIAL}),
    TESTIMONIAL: ({TESTIMONIAL_INDEX}, set()),
}


@pytest.mark.parametrize("model", list(RULES), ids=lambda m: m.__name__)
def test_parent_and_child_rules(model):
    parents, children = RULES[model]
    assert set(model.allowed_parent_page_models()) == parents
    assert set(model.allowed_subpage_models()) == children


def test_can_create_at_follows_the_rules_and_singletons():
    home = HomePage.objects.get()
    parcours = ParcoursPage.objects.get()
    fiches = FicheIndexPage.objects.get()
    assert ModulePage.can_create_at(parcours)
    assert not ModulePage.can_create_at(home)
    assert FichePage.can_create_at(fiches)
    assert not FichePage.can_create_at(parcours)
    assert VideoPage.can_create_at(VideoIndexPage.objects.get())
    assert TESTIMONIAL.can_create_at(TESTIMONIAL_INDEX.objects.get())
    assert StandardPage.can_create_at(home)
    # The listings exist once: an editor cannot add a second one.
    for singleton in (ParcoursPage, FicheIndexPage, VideoIndexPage, TESTIMONIAL_INDEX, HomePage):
        assert not singleton.can_create_at(home)


def test_menu_sections_are_the_home_pages_children_in_order(agent_client):
    home = HomePage.objects.get()
    menu = [p.specific_class for p in home.get_children().live().in_menu()]
    assert menu == [ParcoursPage, FicheIndexPage, VideoIndexPage, TESTIMONIAL_INDEX]


def test_catalogue_has_the_five_modules_and_one_entry_module():
    modules = ModulePage.objects.live()
    assert modules.count() >= 5
    entry = modules.get(is_entry_module=True)
    assert entry.title == "Intelligence collective"
    for module in modules.exclude(pk=entry.pk):
        assert entry in module.prerequisites.all()


def test_a_second_entry_module_is_refused():
    parcours = ParcoursPage.objects.get()
    module = ModulePage(title="Nouveau module", slug="nouveau-module", is_entry_module=True, live=False)
    parcours.add_child(instance=module)  # a draft is saved without the full validation
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "is_entry_module" in error.value.message_dict


def test_removing_the_only_entry_module_is_refused():
    entry = ModulePage.objects.get(is_entry_module=True)
    entry.is_entry_module = False
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "is_entry_module" in error.value.message_dict


def test_activity_id_does_not_change_with_slug_or_title():
    module = ModulePage.objects.get(slug="creativite")
    before = module.xapi_activity_id
    module.title, module.slug = "Créativité appliquée", "creativite-appliquee"
    module.save_revision().publish()
    module.refresh_from_db()
    assert module.xapi_activity_id == before
    assert str(module.activity_uuid) in before


def test_path_lists_the_entry_module_first_marked_mandatory(agent_client):
    parcours = ParcoursPage.objects.get()
    # An editor moves the entry module last: the path still shows it first.
    entry = ModulePage.objects.get(is_entry_module=True)
    entry.move(parcours, pos="last-child")
    response = agent_client.get(parcours.url)
    assert response.status_code == 200
    modules = list(response.context["modules"])
    assert modules[0].is_entry_module
    html = response.content.decode()
    assert html.index("Intelligence collective") < html.index("Créativité")
    assert "Module d’entrée obligatoire" in html or "Module d'entrée obligatoire" in html


def test_path_page_queries_do_not_grow_with_modules(agent_client):
    parcours = ParcoursPage.objects.get()
    before = cold_and_warm_queries(agent_client, parcours.url)
    for number in range(6):
        module = ModulePage(title=f"Module {number}", slug=f"module-{number}", summary="Résumé.")
        parcours.add_child(instance=module)
        module.save_revision().publish()
    after = cold_and_warm_queries(agent_client, parcours.url)
    assert after == before
    assert after[0] <= 25


def test_module_page_shows_programme_documents_and_related_content(agent_client):
    module = ModulePage.objects.get(is_entry_module=True)
    response = agent_client.get(module.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Objectifs pédagogiques" in html
    assert "Déroulé" in html
    assert "/documents/" in html  # the run sheet
    assert "Brainstorming cadré" in html  # a related fiche
    assert "Emilie" in html  # a related testimonial
    assert "upcoming_sessions" not in html


def test_a_new_module_requires_the_entry_module_by_default(client_for):
    from django.urls import reverse

    parcours = ParcoursPage.objects.get()
    entry = ModulePage.objects.get(is_entry_module=True)
    response = client_for("redacteur").get(
        reverse("wagtailadmin_pages:add", args=("parcours", "modulepage", parcours.pk))
    )
    assert response.status_code == 200
    assert response.context["form"].initial["prerequisites"] == [entry.pk]


@pytest.mark.parametrize(
    "model", [HomePage, ParcoursPage, ModulePage, FicheIndexPage, FichePage, VideoPage, TESTIMONIAL, StandardPage]
)
def test_editors_preview_renders(model, rf):
    page = model.objects.live().first().specific
    page.title = "Aperçu avant publication"
    response = page.make_preview_request()
    assert response.status_code == 200
    assert "Aperçu avant publication" in response.content.decode()


def test_a_module_page_builds_its_lists_only_when_its_fragment_is_rebuilt(agent_client):
    """Prerequisites, documents, related fiches, videos and testimonials are shown by a cached fragment: while it
    is cached, the page neither runs nor even builds their queries (SimpleLazyObject left unread)."""
    from django.utils.functional import empty

    module = ModulePage.objects.live().filter(fiches__isnull=False).distinct().first()
    names = ["prerequisite_modules", "module_documents", "related_fiches", "related_videos", "related_testimonials"]
    cold = agent_client.get(module.url)
    assert all(cold.context[name]._wrapped is not empty for name in names)
    assert any(fiche.title in cold.content.decode() for fiche in cold.context["related_fiches"])
    warm = agent_client.get(module.url)
    assert all(warm.context[name]._wrapped is empty for name in names)
