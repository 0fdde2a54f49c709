from django.urls import path, re_path

from . import api

app_urlpatterns = [
    path("xapi/statements", api.statements, name="xapi_statements"),
    path("xapi/about", api.about, name="xapi_about"),
    # Document resources are out of scope: answer them in xAPI terms instead of falling to Wagtail.
    re_path(
        r"^xapi/(?P<resource>activities|agents|activities/state|activities/profile|agents/profile)/?$",
        api.not_implemented,
    ),
]
