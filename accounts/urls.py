from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", views.logout, name="logout"),
    # Sign-in through the OpenID Connect provider (ProConnect): the redirect URIs registered with it are
    # PASSINNOV_BASE_URL + /connexion/oidc/retour/ and + /deconnexion/oidc/retour/ (docs/operations.md).
    path("connexion/oidc/", views.oidc_login, name="oidc_login"),
    path("connexion/oidc/retour/", views.oidc_callback, name="oidc_callback"),
    path("connexion/oidc/direction/", views.oidc_directorate, name="oidc_directorate"),
    path("deconnexion/oidc/retour/", views.oidc_logout_callback, name="oidc_logout_callback"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetRequestForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm, success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
]
