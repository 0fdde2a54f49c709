import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def snapshot():
    """Row counts of every project model: a second demo run must not change any of them."""
    counts = {}
    for model in apps.get_models():
        counts[model._meta.label] = model._default_manager.count()
    return counts


def test_demo_command_is_idempotent():
    before = snapshot()
    out = io.StringIO()
    call_command("load_demo", skip_index=True, stdout=out)
    after = snapshot()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    # Revisions and logs are history, not content; everything else must be identical.
    changed = {
        k: v
        for k, v in changed.items()
        if not k.startswith(
            (
                "wagtailcore.Revision",
                "wagtailcore.PageLogEntry",
                "wagtailcore.ModelLogEntry",
                "django_tasks",
                "wagtailsearch",
                "modelsearch",
            )
        )
    }
    assert changed == {}


def test_demo_command_prints_the_demo_accounts():
    out = io.StringIO()
    call_command("load_demo", skip_index=True, stdout=out)
    text = out.getvalue()
    for username in ("agent", "redacteur", "moderateur", "animateur", "formation", "admin"):
        assert username in text
    assert "passinnov-demo" in text


def test_demo_command_refuses_outside_demo_mode(settings):
    settings.PASSINNOV_DEMO = False
    with pytest.raises(CommandError, match="PASSINNOV_DEMO"):
        call_command("load_demo", skip_index=True, stdout=io.StringIO())


def test_every_demo_page_renders_for_the_agent(agent_client):
    from wagtail.models import Page

    from trainers.models import FacilitationKitPage

    # Facilitation kits are for facilitators and trainees only (tests/trainers/test_kits.py).
    for page in Page.objects.live().filter(depth__gt=1).not_type(FacilitationKitPage).specific():
        response = agent_client.get(page.url)
        assert response.status_code == 200, f"{page.url} answered {response.status_code}"


def test_every_demo_agent_has_a_directorate_and_a_site(django_user_model):
    agents = django_user_model.objects.filter(username__startswith="demo.agent")
    assert agents.exists()
    assert not agents.filter(directorate__isnull=True).exists()
    assert not agents.filter(work_location__isnull=True).exists()
