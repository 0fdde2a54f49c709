from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from home.search import MAX_QUERY_LENGTH, describe, search_pages, suggestions

RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    query = " ".join(request.GET.get("q", "").split())
    error = None
    page_obj = None
    results = []
    suggested = None
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Your search is too long: %(max)s characters at most.") % {"max": MAX_QUERY_LENGTH}
    elif query:
        paginator = Paginator(search_pages(query), RESULTS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        results = describe(page_obj.object_list)
        if not paginator.count:
            suggested = suggestions(query)
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "query_string": urlencode({"q": query}),
            "error": error,
            "page_obj": page_obj,
            "results": results,
            "suggestions": suggested,
            "title": _("Search"),
        },
    )
