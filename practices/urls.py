from django.urls import include, path

from practices import views

app_name = "practices"

urlpatterns = [
    path("mes-pratiques/", views.mine, name="mine"),
    path("fiches/<int:fiche_id>/je-l-ai-utilisee/", views.declare, name="declare"),
    path("declarations/<int:pk>/modifier/", views.edit, name="edit"),
    path("declarations/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("suivi/<int:module_id>/", views.follow_up, name="follow_up"),
]

app_urlpatterns = [path("pratiques/", include((urlpatterns, app_name)))]
