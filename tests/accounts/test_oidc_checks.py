from accounts.checks import oidc_configuration


def test_no_warning_while_sign_in_through_a_provider_is_off(settings):
    settings.PASSINNOV_OIDC_ISSUER = ""
    assert oidc_configuration(None) == []


def test_deploy_check_warns_about_an_incomplete_provider_configuration(settings):
    settings.PASSINNOV_OIDC_ISSUER = "http://proconnect.example/api/v2"
    settings.PASSINNOV_OIDC_CLIENT_ID = ""
    settings.PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS = []
    assert [warning.id for warning in oidc_configuration(None)] == [
        "passinnov.W101",
        "passinnov.W102",
        "passinnov.W103",
    ]


def test_deploy_check_is_quiet_for_a_complete_configuration(settings):
    settings.PASSINNOV_OIDC_ISSUER = "https://proconnect.gouv.fr/api/v2"
    settings.PASSINNOV_OIDC_CLIENT_ID = "passinnov"
    settings.PASSINNOV_OIDC_CLIENT_SECRET = "secret"
    settings.PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS = ["finances.gouv.fr"]
    assert oidc_configuration(None) == []
