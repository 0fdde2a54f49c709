from django.utils.functional import SimpleLazyObject

from home.navigation import build_chrome


def navigation(request):
    """Header, navigation and footer data, computed lazily (only pages that render the chrome pay for it)."""
    return {"chrome": SimpleLazyObject(lambda: build_chrome(request))}
