"""Declaring the use of a fiche, with the keyboard only, audited with axe at every step."""

import pytest

from fiches.models import FichePage
from learning_records.models import Statement
from practices.models import Declaration
from tests.a11y import audit
from tests.conftest import csp_violations, sign_in

pytestmark = pytest.mark.browser


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName, name: el.getAttribute("name") || "", type: el.type || "",
                    text: (el.innerText || el.value || "").trim(), checked: !!el.checked, href: el.getAttribute("href") || ""};
        }"""
    )


def tab_to(page, matches, limit=120):
    """Press Tab until the focused element matches (a predicate on `focused`); fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("the keyboard never reached the element")


def skip_to_content(page):
    """The DSFR skip link « Contenu » is the first stop: it takes the keyboard straight into the page. A page
    opened at a fragment (`…#content`, `…#pratiques`) starts there already: the first Tab lands in it."""
    page.keyboard.press("Tab")
    if "#" in page.url:
        page.keyboard.press("Shift+Tab")
        return
    assert focused(page)["text"] == "Contenu"
    page.keyboard.press("Enter")


def follow(page):
    """Enter on the focused link or button, and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def field(name):
    return lambda element: element["name"] == name


def test_an_agent_declares_edits_and_withdraws_a_use_with_the_keyboard(page, live_demo):
    fiche = FichePage.objects.get(slug="pitch")
    sign_in(page, "agent", next_url=fiche.url)
    assert "Utilisée 2 fois" in page.locator("#practice-figures").inner_text()
    audit(page)

    # 1. From the fiche's page, « Je l’ai utilisée » opens the form.
    skip_to_content(page)
    tab_to(page, lambda element: element["text"] == "Je l’ai utilisée")
    follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == "J’ai utilisé cette fiche"
    audit(page)

    # 2. Sending it without the answers: the errors are announced beside the fields, and accessible.
    skip_to_content(page)
    tab_to(page, lambda element: element["text"] == "Enregistrer mon utilisation")
    follow(page)
    assert page.locator(".fr-fieldset--error").count() >= 3
    assert not Declaration.objects.filter(user__username="agent").exists()
    audit(page)

    # 3. The answers, with the keyboard: arrows move within a radio group, Space ticks.
    skip_to_content(page)
    tab_to(page, field("team_size"))
    page.keyboard.press("Space")  # 2 to 5 people
    page.keyboard.press("ArrowDown")  # 6 to 12 people
    tab_to(page, field("audience"))
    page.keyboard.press("Space")  # my own team
    tab_to(page, field("setting"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # a workshop
    tab_to(page, field("rating"))
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 4
    tab_to(page, field("account"))
    page.keyboard.type("Pitch préparé en binôme pour le comité de direction : trois minutes, pas une de plus.")
    tab_to(page, field("sharing"))
    page.keyboard.press("ArrowDown")  # share it anonymously
    tab_to(page, lambda element: element["text"] == "Enregistrer mon utilisation")
    follow(page)

    declaration = Declaration.objects.get(user__username="agent")
    assert (declaration.team_size, declaration.audience, declaration.setting, declaration.rating) == (
        "6-12",
        "own_team",
        "workshop",
        4,
    )
    assert declaration.sharing == "anonymous" and declaration.moderation == "pending"
    assert not Statement.objects.get(statement_id=declaration.statement_id).trusted
    assert page.url.endswith(f"{fiche.url}#pratiques")
    assert "votre utilisation de la fiche « Pitch en trois minutes » est enregistrée" in " ".join(
        page.locator(".fr-alert--success").inner_text().split()
    )
    assert "Utilisée 3 fois" in page.locator("#practice-figures").inner_text()
    assert "Pitch préparé en binôme" not in page.content()  # not published before moderation
    audit(page)

    # 4. « Voir mes pratiques »: the declaration, awaiting moderation; edit it with the keyboard.
    skip_to_content(page)
    tab_to(page, lambda element: element["text"] == "Voir mes pratiques")
    follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Mes pratiques"
    assert "récit en attente de modération" in page.content()
    audit(page)
    skip_to_content(page)
    tab_to(page, lambda element: element["text"].startswith("Modifier"))
    follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Modifier ma déclaration"
    audit(page)
    skip_to_content(page)
    tab_to(page, field("rating"))
    page.keyboard.press("ArrowRight")  # 5
    tab_to(page, lambda element: element["text"] == "Enregistrer mes modifications")
    follow(page)
    declaration.refresh_from_db()
    assert declaration.rating == 5

    # 5. Withdraw it: a confirmation page, then the declaration is gone and its statement voided.
    skip_to_content(page)
    tab_to(page, lambda element: element["text"].startswith("Retirer"))
    follow(page)
    audit(page)
    skip_to_content(page)
    tab_to(page, lambda element: element["text"] == "Retirer ma déclaration")
    follow(page)
    assert not Declaration.objects.filter(user__username="agent").exists()
    assert Statement.objects.get(statement_id=declaration.statement_id).voided
    assert "Vous n’avez encore déclaré aucune utilisation de fiche." in page.content()
    audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []


def test_the_follow_up_question_is_accessible_and_answered_with_the_keyboard(page, live_demo):
    from parcours.models import ModulePage
    from practices.models import FollowUp

    module = ModulePage.objects.get(is_entry_module=True)
    sign_in(page, "agent2", next_url="/mon-parcours/")
    card = page.locator(f"[data-follow-up='{module.pk}']")
    assert "Avez-vous réutilisé ce que vous avez appris" in card.inner_text()
    audit(page)
    card.get_by_role("link").focus()
    follow(page)
    audit(page)
    skip_to_content(page)
    tab_to(page, field("frequency"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # a few times
    tab_to(page, field("obstacles"))
    page.keyboard.press("Space")  # the first obstacle
    tab_to(page, lambda element: element["text"] == "Envoyer ma réponse")
    follow(page)
    answer = FollowUp.objects.get(user__username="agent2", module=module)
    assert answer.frequency == "sometimes" and answer.is_answered
    # The fiches agent2 declared using were ticked in advance.
    assert set(answer.fiches.values_list("slug", flat=True)) == {"meteo-d-inclusion", "brainstorming"}
    audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []
