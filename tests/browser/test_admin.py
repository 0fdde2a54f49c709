"""The Wagtail admin under the site's Content-Security-Policy: an editor's and the training department's walk.

Wagtail's inline scripts (choosers, inline panels, date pickers) carry the request's nonce (core.csp); any
script the policy blocked would show as a violation here, and the widgets it initialises would not work.
One test function: every browser test reloads the demo into a fresh live database, which costs seconds.
"""

import pytest

from tests.conftest import csp_violations, sign_in
from training_sessions.models import Session
from videos.models import VideoPage

pytestmark = pytest.mark.browser


def open_chooser(page, field):
    """Open the chooser modal of a page-edit field (chosen or not), wait for its content, close it."""
    page.locator(f"#id_{field}-chooser [data-chooser-action-choose]").first.evaluate("button => button.click()")
    modal = page.locator(".modal.fade.show, .modal.in, .modal[style*='display: block']").last
    modal.locator(".modal-body").wait_for()
    page.wait_for_load_state("networkidle")
    return modal


def close_modal(page, modal):
    modal.locator("[data-dismiss='modal'], [data-bs-dismiss='modal'], button.close").first.click()
    modal.wait_for(state="hidden")


def test_the_admin_works_under_the_content_security_policy(signed_in_page):
    page = signed_in_page("redacteur", next_url="/admin/")
    assert page.url.endswith("/admin/")
    for url in ("/admin/pages/", "/admin/images/", "/admin/documents/", "/admin/media/"):
        assert page.goto(url).status == 200, url
        page.wait_for_load_state("networkidle")

    # A video page: image (poster), document (captions) and media (video) choosers, then the preview panel.
    video = VideoPage.objects.get(slug="passinnov-en-bref")
    page.goto(f"/admin/pages/{video.pk}/edit/")
    page.wait_for_load_state("networkidle")
    modal = open_chooser(page, "poster")
    upload_tab = modal.get_by_role("tab", name="Téléverser")
    if upload_tab.count():
        upload_tab.click()
        modal.locator("input[type=file]").first.wait_for(state="attached")
    close_modal(page, modal)
    close_modal(page, open_chooser(page, "captions"))
    close_modal(page, open_chooser(page, "video"))
    close_modal(page, open_chooser(page, "related_module"))
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe[title]").first
    preview.locator("h1").first.wait_for()
    page.wait_for_load_state("networkidle")

    # The site as an editor sees it: Wagtail's userbar on a page.
    page.goto(video.url)
    page.locator("wagtail-userbar, [data-wagtail-userbar]").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert csp_violations(page) == []

    # The training department edits a session: inline panel, date pickers, page chooser.
    page.context.clear_cookies()
    session = Session.objects.filter(facilitations__isnull=False).order_by("-start").first()
    sign_in(page, "formation", next_url=f"/admin/snippets/training_sessions/session/edit/{session.pk}/")
    assert f"/edit/{session.pk}/" in page.url
    page.wait_for_load_state("networkidle")
    # The inline panel's script ran: its button adds a facilitator row.
    rows = page.locator("#id_facilitations-FORMS > [data-inline-panel-child]:visible, #id_facilitations-FORMS > li")
    before = rows.count()
    page.locator("#id_facilitations-ADD").click()
    page.wait_for_function(f"() => document.querySelectorAll('#id_facilitations-FORMS > *').length > {before}")
    # The date pickers' scripts ran too (the page chooser of the module as well).
    page.locator("#id_start").click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    page.keyboard.press("Escape")
    close_modal(page, open_chooser(page, "module"))
    assert csp_violations(page) == []

    # Embedded media opened on their own still display under their restrictive policy (core.uploads).
    video = VideoPage.objects.select_related("poster", "video").get(slug="passinnov-en-bref")
    page.goto(video.poster.get_rendition("width-400").url)
    page.wait_for_function("() => document.images.length && document.images[0].naturalWidth > 0")
    page.goto(video.video.url)
    page.wait_for_function("() => document.querySelector('video') && document.querySelector('video').readyState >= 1")
    assert page.foreign_requests == []
    assert csp_violations(page) == []
