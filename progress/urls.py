from django.urls import include, path

from progress import views

app_name = "mon_parcours"

urlpatterns = [
    path("", views.index, name="index"),
    path("badges/<uuid:uuid>/badge.png", views.baked_badge, name="baked_badge"),
    path("attestations/parcours.pdf", views.path_attestation, name="path_attestation"),
    path("attestations/modules/<int:module_id>.pdf", views.module_attestation, name="module_attestation"),
    path("attestations/verifier/", views.verify_form, name="verify_form"),
    path("attestations/verifier/<str:code>/", views.verify_attestation, name="verify_attestation"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export.json", views.export_data, name="export_data"),
    path("mes-donnees/effacement/", views.request_erasure, name="request_erasure"),
    path("effacements.json", views.erasure_list, name="erasure_list"),
    # Open Badges 2.0 hosted verification: public, no personal data.
    path("openbadges/emetteur.json", views.ob_issuer, name="ob_issuer"),
    path("openbadges/badges/<uuid:uuid>.json", views.ob_badge, name="ob_badge"),
    path("openbadges/badges/<uuid:uuid>.png", views.ob_badge_image, name="ob_badge_image"),
    path("openbadges/assertions/<uuid:uuid>.json", views.ob_assertion, name="ob_assertion"),
]

app_urlpatterns = [path("mon-parcours/", include((urlpatterns, app_name)))]
