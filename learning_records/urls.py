from django.urls import path

from . import api

app_urlpatterns = [
    path("xapi/statements", api.statements, name="xapi_statements"),
    path("xapi/about", api.about, name="xapi_about"),
]
