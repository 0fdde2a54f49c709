from django.urls import path

from home import views

app_urlpatterns = [path("recherche/", views.search, name="search")]
