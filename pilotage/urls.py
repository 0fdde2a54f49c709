from django.urls import include, path

from pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("formateurs/", views.trainers, name="trainers"),
    path("formateurs/<int:pk>/", views.trainer_detail, name="trainer"),
    path("formateurs/<int:pk>/statut/", views.trainer_status, name="trainer_status"),
]

app_urlpatterns = [path("pilotage/", include((urlpatterns, app_name)))]
