"""Site-wide search over the editorial content agents look for: modules, fiches, videos, testimonials.

Full-text first (French stemming on PostgreSQL: « fiche » finds « fiches »), then the pages whose title words
start with what was typed (« brainstorm » finds « Brainstorming cadré »), which full text misses. When nothing
matches, `suggestions` offers a close spelling taken from the titles and the programme's modules.
"""

import difflib
import re

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.sorting import french_order

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
    """Live pages of the searchable types, best full-text match first, then title prefix matches (a list)."""
    terms = normalise_query(query)
    if not terms:
        return []
    pages = Page.objects.live().type(*searchable_models())
    found = list(pages.search(terms, operator="or"))
    seen = {page.pk for page in found}
    for page in pages.autocomplete(terms, operator="or"):
        if page.pk not in seen:
            seen.add(page.pk)
            found.append(page)
    return found


def suggestions(query):
    """What to offer when nothing matched: {"spelling": a query made of close title words, or None, "modules"}."""
    from parcours.models import ModulePage

    titles = Page.objects.live().type(*searchable_models()).values_list("title", flat=True)
    vocabulary = {word.casefold() for title in titles for word in re.findall(r"\w{3,}", title)}
    words = normalise_query(query).casefold().split()
    corrected = []
    for word in words:
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        corrected.append(close[0] if close and word not in vocabulary else word)
    spelling = " ".join(corrected) if corrected != words else None
    modules = list(
        ModulePage.objects.live().order_by("-is_entry_module", french_order("title")).only("id", "title", "url_path")
    )
    return {"spelling": spelling, "modules": modules}


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
