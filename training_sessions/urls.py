from django.urls import include, path

from training_sessions import views

app_name = "training_sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("animation/", views.facilitator_home, name="facilitator_home"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/desinscription/", views.unregister, name="unregister"),
    path("<int:pk>/calendrier.ics", views.calendar, name="calendar"),
    path("<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/presence/", views.mark_attendance, name="mark_attendance"),
    path("<int:pk>/emargement/", views.sign_in_sheet, name="sign_in_sheet"),
]

app_urlpatterns = [path("sessions/", include((urlpatterns, app_name)))]
