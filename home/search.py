"""Site-wide search over the editorial content agents look for: modules, fiches, videos, testimonials."""

import re

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

MAX_QUERY_LENGTH = 200


def searchable_models():
    from fiches.models import FichePage
    from parcours.models import ModulePage
    from videos.models import TestimonialPage, VideoPage

    return [ModulePage, FichePage, VideoPage, TestimonialPage]


def normalise_query(query):
    """Words only: punctuation means nothing to agents here, and some of it is syntax to the full-text engines."""
    words = re.sub(r"[^\w-]+", " ", query).split()
    return " ".join(word.strip("-") for word in words if word.strip("-"))


def search_pages(query):
    """A lazy, paginable result set of live pages of the searchable types, best match first."""
    terms = normalise_query(query)
    if not terms:
        return Page.objects.none()
    return Page.objects.live().type(*searchable_models()).search(terms, operator="or")


def describe(pages):
    """Results to display (type, title, url, excerpt) for one page of results: one query per page type."""
    ids = [page.pk for page in pages]
    specific = Page.objects.filter(pk__in=ids).specific().in_bulk(ids)
    results = []
    for page_id in ids:
        page = specific.get(page_id)
        if page is None:
            continue
        excerpt = getattr(page, "search_excerpt", "") or page.search_description
        results.append(
            {
                "type": page._meta.verbose_name,
                "title": page.title,
                "url": page.url,
                "excerpt": Truncator(excerpt or "").words(40),
            }
        )
    return results


NO_QUERY = _("Type one or more words to search the modules, fiches, videos and testimonials.")
