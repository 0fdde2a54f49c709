"""What makes the `pages` fragments change (core.fragments): one generation bump per event.

Published pages (publication, unpublication, move, deletion, privacy), the site and its settings (header,
footer), the reference snippets shown on pages (themes, directorates, sites, organisations), and the images,
documents and media that pages show. The apps that own other data bump their own kinds (training sessions:
`training_sessions.receivers`).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtailmedia.models import get_media_model

from core import fragments
from core.models import Directorate, Location, Organisation, SiteSettings, Theme


def pages_changed(sender, **kwargs):
    fragments.bump(fragments.PAGES)


def connect():
    page_published.connect(pages_changed, dispatch_uid="fragments-page-published")
    page_unpublished.connect(pages_changed, dispatch_uid="fragments-page-unpublished")
    post_page_move.connect(pages_changed, dispatch_uid="fragments-page-moved")
    for model in get_page_models():  # per page model: a receiver for every sender would stop fast deletes
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"fragments-deleted-{model._meta.label}")
    models = [
        PageViewRestriction, Site, SiteSettings, Directorate, Location, Organisation, Theme,
        get_image_model(), get_document_model(), get_media_model(),
    ]  # fmt: skip
    for model in models:
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"fragments-saved-{model._meta.label}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"fragments-deleted-{model._meta.label}")
