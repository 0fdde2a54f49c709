from django.urls import include, path

from trainers import views

app_name = "trainers"

urlpatterns = [
    path("", views.path, name="path"),
    path("demander/", views.ask, name="ask"),
    path("file/", views.queue, name="queue"),
    path("demandes/<int:pk>/decision/", views.decide, name="decide"),
    path("formateurs/<int:pk>/", views.trainee, name="trainee"),
    path("formateurs/<int:pk>/etape-suivante/", views.promote, name="promote"),
    path("retours/", views.feedback_list, name="feedback_list"),
    path("retours/<int:session_pk>/<int:user_pk>/", views.feedback, name="feedback"),
]

app_urlpatterns = [path("devenir-formateur/", include((urlpatterns, app_name)))]
