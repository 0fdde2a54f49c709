"""Who may open what: every URL of the site × every role × the expected answer, in one table.

The table covers every URL pattern of the project (read from the URL configuration), the project's areas of
the Wagtail admin and its main entry points, one page of each Wagtail page type found in the demo tree, the
Open Badges and health endpoints. A pattern without a row fails `test_every_url_has_a_rule`: a new view must
say who may open it. The rules themselves live in `accounts.roles` (capabilities) and the services that call
it; this table is what they give.

Answers: a status code, or LOGIN (302 to the site's login page), GO (302 elsewhere: done, or refused with a
message), ADMIN_NO (Wagtail's refusal inside the admin: 302 to the admin's home).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, Site

from fiches.models import FichePage
from pilotage.models import TrainerProfile
from practices.models import Sharing
from progress.models import Badge, BadgeAward
from progress.services import badges, personal_data
from tests.practices import helpers as practices_helpers
from tests.training_sessions import helpers
from trainers.models import FacilitationRequest
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db

LOGIN, GO, ADMIN_NO = "login", "go", "admin-no"
ROLES = ["anonymous", "agent", "editor", "moderator", "facilitator", "training", "administrator"]
ACCOUNTS = {
    "agent": "agent",
    "editor": "redacteur",
    "moderator": "moderateur",
    "facilitator": "animateur",
    "training": "formation",
    "administrator": "admin",
}

# fmt: off
# key (URL name, admin area or page type)      method  anonymous agent     editor    moderator facilitator training  administrator
RULES = {
    # Health, sign-in and password reset: open to all.
    "healthz":                                   ("GET",  200,      200,      200,      200,      200,      200,      200),
    "login":                                     ("GET",  200,      GO,       GO,       GO,       GO,       GO,       GO),
    "logout":                                    ("POST", GO,       GO,       GO,       GO,       GO,       GO,       GO),
    "admin/logout/":                             ("POST", GO,       GO,       GO,       GO,       GO,       GO,       GO),
    # Sign-in through the OpenID Connect provider: open to all, absent while no provider is configured.
    "oidc_login":                                ("GET",  404,      404,      404,      404,      404,      404,      404),
    "oidc_callback":                             ("GET",  404,      404,      404,      404,      404,      404,      404),
    "oidc_directorate":                          ("GET",  404,      404,      404,      404,      404,      404,      404),
    "oidc_logout_callback":                      ("GET",  404,      404,      404,      404,      404,      404,      404),
    "password_reset":                            ("GET",  200,      200,      200,      200,      200,      200,      200),
    "password_reset_done":                       ("GET",  200,      200,      200,      200,      200,      200,      200),
    "password_reset_confirm":                    ("GET",  200,      200,      200,      200,      200,      200,      200),
    "password_reset_complete":                   ("GET",  200,      200,      200,      200,      200,      200,      200),
    # Uploaded files: signed-in people only (documents also follow Wagtail's collection privacy).
    "protected_media":                           ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "wagtaildocs_serve":                         ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "wagtail.documents.urls":                    ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    # The xAPI resources: HTTP Basic credentials, or the signed-in agent's browser (which the other resources
    # answer 400 here: these requests lack the parameters the specification requires).
    "xapi_statements":                           ("GET",  401,      401,      401,      401,      401,      401,      401),
    "xapi_about":                                ("GET",  200,      200,      200,      200,      200,      200,      200),
    "xapi_activities":                           ("GET",  401,      400,      400,      400,      400,      400,      400),
    "xapi_agents":                               ("GET",  401,      400,      400,      400,      400,      400,      400),
    "xapi_state":                                ("GET",  401,      400,      400,      400,      400,      400,      400),
    "xapi_activity_profile":                     ("GET",  401,      400,      400,      400,      400,      400,      400),
    "xapi_agent_profile":                        ("GET",  401,      400,      400,      400,      400,      400,      400),
    # Sessions: every agent registers; participants and attendance for the session's facilitators (by
    # role) and the training department; "Mes animations" for people who may facilitate.
    "training_sessions:list":                    ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "training_sessions:detail":                  ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "training_sessions:register":                ("POST", LOGIN,    GO,       GO,       GO,       GO,       GO,       GO),
    "training_sessions:unregister":              ("POST", LOGIN,    GO,       GO,       GO,       GO,       GO,       GO),
    "training_sessions:calendar":                ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "training_sessions:evaluate":                ("GET",  LOGIN,    403,      403,      403,      403,      403,      403),
    "training_sessions:facilitator_home":        ("GET",  LOGIN,    403,      403,      403,      200,      200,      403),
    "training_sessions:participants":            ("GET",  LOGIN,    403,      403,      403,      200,      200,      403),
    "training_sessions:mark_attendance":         ("POST", LOGIN,    403,      403,      403,      GO,       GO,       403),
    "training_sessions:sign_in_sheet":           ("GET",  LOGIN,    403,      403,      403,      200,      200,      403),
    # Mon parcours and personal data: each agent their own.
    # Practices: each agent declares and manages their own uses of fiches.
    "practices:mine":                            ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "practices:declare":                         ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "practices:edit":                            ("GET",  LOGIN,    200,      404,      404,      404,      404,      404),
    "practices:withdraw":                        ("GET",  LOGIN,    200,      404,      404,      404,      404,      404),
    "practices:follow_up":                       ("GET",  LOGIN,    403,      403,      403,      403,      403,      403),
    "mon_parcours:index":                        ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "mon_parcours:baked_badge":                  ("GET",  LOGIN,    200,      404,      404,      404,      404,      404),
    "mon_parcours:path_attestation":             ("GET",  LOGIN,    GO,       GO,       GO,       GO,       GO,       GO),
    "mon_parcours:module_attestation":           ("GET",  LOGIN,    GO,       GO,       GO,       GO,       GO,       GO),
    "mon_parcours:verify_form":                  ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "mon_parcours:verify_attestation":           ("GET",  LOGIN,    404,      404,      404,      404,      404,      404),
    "mon_parcours:my_data":                      ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "mon_parcours:export_data":                  ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "mon_parcours:request_erasure":              ("POST", LOGIN,    400,      400,      400,      400,      400,      400),
    "mon_parcours:erasure_list":                 ("GET",  401,      401,      401,      401,      401,      401,      401),
    # Open Badges 2.0: public verification, no personal data.
    "mon_parcours:ob_issuer":                    ("GET",  200,      200,      200,      200,      200,      200,      200),
    "mon_parcours:ob_badge":                     ("GET",  200,      200,      200,      200,      200,      200,      200),
    "mon_parcours:ob_badge_image":               ("GET",  200,      200,      200,      200,      200,      200,      200),
    "mon_parcours:ob_assertion":                 ("GET",  200,      200,      200,      200,      200,      200,      200),
    # Steering: the whole dashboard for the training department and administrators, one's own sessions
    # for a facilitator; internal trainers for the former, and each trainer's own record.
    "pilotage:dashboard":                        ("GET",  LOGIN,    403,      403,      403,      200,      200,      200),
    "pilotage:export":                           ("GET",  LOGIN,    403,      403,      403,      200,      200,      200),
    "pilotage:trainers":                         ("GET",  LOGIN,    403,      403,      403,      403,      200,      200),
    "pilotage:trainer":                          ("GET",  LOGIN,    403,      403,      403,      200,      200,      200),
    "pilotage:trainer_status":                   ("POST", LOGIN,    403,      403,      403,      403,      GO,       GO),
    # Becoming an internal trainer: the trainee's own path (nominated agents: the demo facilitator is one),
    # the training department's queue of requests and steps, the lead facilitators' feedback to trainees.
    "trainers:path":                             ("GET",  LOGIN,    403,      403,      403,      200,      403,      403),
    "trainers:ask":                              ("GET",  LOGIN,    403,      403,      403,      200,      403,      403),
    "trainers:queue":                            ("GET",  LOGIN,    403,      403,      403,      403,      200,      403),
    "trainers:decide":                           ("POST", LOGIN,    403,      403,      403,      403,      GO,       403),
    "trainers:trainee":                          ("GET",  LOGIN,    403,      403,      403,      403,      200,      403),
    "trainers:promote":                          ("POST", LOGIN,    403,      403,      403,      403,      GO,       GO),
    "trainers:feedback_list":                    ("GET",  LOGIN,    403,      403,      403,      200,      200,      403),
    "trainers:feedback":                         ("GET",  LOGIN,    403,      403,      403,      200,      403,      403),
    "search":                                    ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    # The Wagtail admin: the editorial and management roles; an agent or a facilitator gets the site's 403.
    "admin":                                     ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: pages":                              ("GET",  LOGIN,    403,      200,      200,      403,      ADMIN_NO, 200),
    "admin: page edit":                          ("GET",  LOGIN,    403,      200,      200,      403,      ADMIN_NO, 200),
    "admin: images":                             ("GET",  LOGIN,    403,      200,      200,      403,      ADMIN_NO, 200),
    "admin: documents":                          ("GET",  LOGIN,    403,      200,      200,      403,      ADMIN_NO, 200),
    "admin: media":                              ("GET",  LOGIN,    403,      200,      200,      403,      ADMIN_NO, 200),
    "admin: users":                              ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: groups":                             ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: site settings":                      ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    # The project's areas of the admin (their list page).
    "admin: sessions":                           ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      200,      200),
    "admin: session edit":                       ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      200,      200),
    "admin: badges":                             ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: directorates":                       ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: sites":                              ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: themes":                             ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: organisations":                      ("GET",  LOGIN,    403,      200,      200,      403,      200,      200),
    "admin: xAPI credentials":                   ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: external LRS":                       ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: badge awards":                       ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: revoke a badge award":               ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: erasure requests":                   ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: carry out an erasure":               ("GET",  LOGIN,    403,      ADMIN_NO, ADMIN_NO, 403,      ADMIN_NO, 200),
    "admin: shared accounts":                    ("GET",  LOGIN,    403,      ADMIN_NO, 200,      403,      ADMIN_NO, ADMIN_NO),
    "admin: publish a shared account":           ("POST", LOGIN,    403,      ADMIN_NO, GO,       403,      ADMIN_NO, ADMIN_NO),
    "admin: refuse a shared account":            ("POST", LOGIN,    403,      ADMIN_NO, 400,      403,      ADMIN_NO, ADMIN_NO),
    # Wagtail pages (one of each type in the demo tree): every signed-in person.
    "wagtail.urls":                              ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "home.HomePage":                             ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "home.StandardPage":                         ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "parcours.ParcoursPage":                     ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "parcours.ModulePage":                       ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    # The facilitation kit of a module: people who may facilitate and nominated trainees (tests/trainers);
    # editors write it in the admin.
    "trainers.FacilitationKitPage":              ("GET",  LOGIN,    403,      403,      403,      200,      200,      403),
    "fiches.FicheIndexPage":                     ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "fiches.FichePage":                          ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "videos.VideoIndexPage":                     ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "videos.VideoPage":                          ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "videos.TestimonialIndexPage":               ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    "videos.TestimonialPage":                    ("GET",  LOGIN,    200,      200,      200,      200,      200,      200),
}
# fmt: on

# The project's areas of the admin, by URL namespace or name -> row of RULES.
ADMIN_AREAS = {
    "wagtailsnippets_training_sessions_session": "admin: sessions",
    "wagtailsnippets_progress_badge": "admin: badges",
    "wagtailsnippets_core_directorate": "admin: directorates",
    "wagtailsnippets_core_location": "admin: sites",
    "wagtailsnippets_core_theme": "admin: themes",
    "wagtailsnippets_core_organisation": "admin: organisations",
    "wagtailsnippets_learning_records_credential": "admin: xAPI credentials",
    "pilotage_lrs": "admin: external LRS",
    "progress_award_list": "admin: badge awards",
    "progress_revoke_award": "admin: revoke a badge award",
    "progress_erasure_list": "admin: erasure requests",
    "progress_process_erasure": "admin: carry out an erasure",
    "practices_moderation_queue": "admin: shared accounts",
    "practices_moderation_publish": "admin: publish a shared account",
    "practices_moderation_reject": "admin: refuse a shared account",
    "wagtailusers_users": "admin: users",
}
PROJECT_APPS = ("core", "accounts", "home", "learning_records", "parcours", "fiches", "videos")
PROJECT_APPS += ("training_sessions", "practices", "progress", "pilotage", "trainers")
# Included URL configurations read as one unit (their own views check access), and the admin's main
# entry points checked besides the project's admin areas.
UNITS = {"admin/": None, "documents/": "wagtail.documents.urls", "": "wagtail.urls"}
ADMIN_ENTRY_POINTS = {
    "admin",
    "admin: pages",
    "admin: page edit",
    "admin: images",
    "admin: documents",
    "admin: media",
    "admin: users",
    "admin: groups",
    "admin: site settings",
    "admin: session edit",
}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", None)
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            if module and module.startswith(("wagtail.", "wagtail")) and not module.startswith(PROJECT_APPS):
                yield route, module, pattern
                continue
            yield from walk(pattern.url_patterns, route, ns or None)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield route, name, pattern


def site_keys():
    """A key per URL pattern of the site: its name, or the included configuration it belongs to."""
    keys = set()
    for route, name, _pattern in walk(get_resolver().url_patterns):
        if route == "admin/":
            keys.add("admin")
        else:
            keys.add(name or route)
    return keys


def view_module(pattern):
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__


def walk_admin(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk_admin(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield namespace, pattern


def admin_area_keys():
    """The project's areas in the admin (its snippets, viewsets and views), each mapped to its row."""
    admin = next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    areas = set()
    for namespace, pattern in walk_admin(admin.url_patterns):
        snippet = (namespace or "").startswith("wagtailsnippets_") and namespace.split("_")[1] in PROJECT_APPS
        if snippet or view_module(pattern).startswith(PROJECT_APPS):
            key = namespace or pattern.name
            areas.add(ADMIN_AREAS.get(key, key))
    return areas


def page_type_keys():
    live = Page.objects.live().exclude(depth=1).specific()
    return {page._meta.label for page in live}


def test_every_url_has_a_rule_and_every_rule_a_url():
    wanted = site_keys() | admin_area_keys() | page_type_keys() | ADMIN_ENTRY_POINTS
    missing = sorted(wanted - set(RULES))
    stale = sorted(set(RULES) - wanted)
    assert missing == [], f"URLs without a rule in RULES: {missing}"
    assert stale == [], f"rules for URLs that no longer exist: {stale}"


# --- The objects the URLs point at ---------------------------------------------------------------------


@pytest.fixture
def targets(entry, animateur, internal, demo_user):
    User = get_user_model()
    julie = User.objects.get(username="mi.julie")
    open_session = helpers.make_session(entry, days=20, facilitators=[(julie, "lead", internal)])
    managed = helpers.make_session(entry, days=2, facilitators=[(animateur, "lead", internal)])
    registration = Registration.objects.create(session=managed, user=helpers.make_agent(), status="registered")
    helpers.started_ago(managed)
    badge = Badge.objects.filter(active=True).first()
    award = badges.issue(demo_user("agent"), badge)
    public_award = BadgeAward.objects.filter(revoked=False).exclude(pk=award.pk).first()
    document = Document.objects.exclude(file="").first()
    image = Image.objects.exclude(file="").first()
    trainer = TrainerProfile.objects.get(user=animateur)
    erasure, _created = personal_data.request_erasure(helpers.make_agent())
    fiche = FichePage.objects.live().first()
    walker = User.objects.get(username="demo.agent02")
    led = helpers.make_session(
        entry, days=-1, facilitators=[(animateur, "lead", internal), (walker, "co-facilitator", internal)]
    )
    pending = FacilitationRequest.objects.filter(status="pending").first()
    beginner = TrainerProfile.objects.get(user__username="demo.agent01")
    own = practices_helpers.declare(demo_user("agent"), fiche)
    shared = practices_helpers.declare(helpers.make_agent(), fiche, account="Récit", sharing=Sharing.ANONYMOUS)
    pages = {}
    for page in Page.objects.live().exclude(depth=1).specific().order_by("path"):
        pages.setdefault(page._meta.label, page.url)
    return {
        "healthz": "/healthz",
        "login": "/connexion/",
        "logout": "/deconnexion/",
        "password_reset": "/mot-de-passe/oubli/",
        "password_reset_done": "/mot-de-passe/oubli/envoye/",
        "password_reset_confirm": "/mot-de-passe/nouveau/MQ/set-password/",
        "password_reset_complete": "/mot-de-passe/nouveau/termine/",
        "protected_media": image.file.url,
        "wagtaildocs_serve": document.url,
        "wagtail.documents.urls": document.url,
        "xapi_statements": "/xapi/statements",
        "xapi_about": "/xapi/about",
        "xapi_activities": "/xapi/activities",
        "xapi_agents": "/xapi/agents",
        "xapi_state": "/xapi/activities/state",
        "xapi_activity_profile": "/xapi/activities/profile",
        "xapi_agent_profile": "/xapi/agents/profile",
        "training_sessions:list": "/sessions/",
        "training_sessions:detail": f"/sessions/{open_session.pk}/",
        "training_sessions:register": f"/sessions/{open_session.pk}/inscription/",
        "training_sessions:unregister": f"/sessions/{open_session.pk}/desinscription/",
        "training_sessions:calendar": f"/sessions/{open_session.pk}/calendrier.ics",
        "training_sessions:evaluate": f"/sessions/{managed.pk}/evaluation/",
        "training_sessions:facilitator_home": "/sessions/animation/",
        "training_sessions:participants": f"/sessions/{managed.pk}/participants/",
        "training_sessions:mark_attendance": (f"/sessions/{managed.pk}/presence/", {"registration": registration.pk}),
        "training_sessions:sign_in_sheet": f"/sessions/{managed.pk}/emargement/",
        "mon_parcours:index": "/mon-parcours/",
        "mon_parcours:baked_badge": f"/mon-parcours/badges/{award.uuid}/badge.png",
        "mon_parcours:path_attestation": "/mon-parcours/attestations/parcours.pdf",
        "mon_parcours:module_attestation": f"/mon-parcours/attestations/modules/{entry.pk}.pdf",
        "mon_parcours:verify_form": "/mon-parcours/attestations/verifier/",
        "mon_parcours:verify_attestation": "/mon-parcours/attestations/verifier/ABCD-EFGH-JKLM-NPQR-STUV/",
        "mon_parcours:my_data": "/mon-parcours/mes-donnees/",
        "mon_parcours:export_data": "/mon-parcours/mes-donnees/export.json",
        "mon_parcours:request_erasure": "/mon-parcours/mes-donnees/effacement/",
        "mon_parcours:erasure_list": "/mon-parcours/effacements.json",
        "mon_parcours:ob_issuer": "/mon-parcours/openbadges/emetteur.json",
        "mon_parcours:ob_badge": f"/mon-parcours/openbadges/badges/{badge.activity_uuid}.json",
        "mon_parcours:ob_badge_image": f"/mon-parcours/openbadges/badges/{badge.activity_uuid}.png",
        "mon_parcours:ob_assertion": f"/mon-parcours/openbadges/assertions/{public_award.uuid}.json",
        "pilotage:dashboard": "/pilotage/",
        "pilotage:export": "/pilotage/exports/inscriptions.csv",
        "pilotage:trainers": "/pilotage/formateurs/",
        "pilotage:trainer": f"/pilotage/formateurs/{trainer.pk}/",
        "pilotage:trainer_status": f"/pilotage/formateurs/{trainer.pk}/statut/",
        "trainers:path": "/devenir-formateur/",
        "trainers:ask": "/devenir-formateur/demander/",
        "trainers:queue": "/devenir-formateur/file/",
        "trainers:decide": f"/devenir-formateur/demandes/{pending.pk}/decision/",
        "trainers:trainee": f"/devenir-formateur/formateurs/{walker.trainer_profile.pk}/",
        "trainers:promote": f"/devenir-formateur/formateurs/{beginner.pk}/etape-suivante/",
        "trainers:feedback_list": "/devenir-formateur/retours/",
        "trainers:feedback": f"/devenir-formateur/retours/{led.pk}/{walker.pk}/",
        "search": "/recherche/?q=fiche",
        "admin": "/admin/",
        "admin: pages": "/admin/pages/",
        "admin: page edit": f"/admin/pages/{Page.objects.get(depth=2).pk}/edit/",
        "admin: images": "/admin/images/",
        "admin: documents": "/admin/documents/",
        "admin: media": "/admin/media/",
        "admin: users": "/admin/users/",
        "admin: groups": "/admin/groups/",
        "admin: site settings": f"/admin/settings/core/sitesettings/{Site.objects.get(is_default_site=True).pk}/",
        "admin: sessions": "/admin/snippets/training_sessions/session/",
        "admin: badges": "/admin/snippets/progress/badge/",
        "admin: directorates": "/admin/snippets/core/directorate/",
        "admin: sites": "/admin/snippets/core/location/",
        "admin: themes": "/admin/snippets/core/theme/",
        "admin: organisations": "/admin/snippets/core/organisation/",
        "admin: xAPI credentials": "/admin/snippets/learning_records/credential/",
        "admin: external LRS": "/admin/lrs-externes/",
        "admin: badge awards": "/admin/passinnov/badges-decernes/",
        "admin: revoke a badge award": f"/admin/passinnov/badges-decernes/{public_award.pk}/revoquer/",
        "admin: erasure requests": "/admin/passinnov/effacements/",
        "admin: carry out an erasure": f"/admin/passinnov/effacements/{erasure.pk}/",
        "admin: shared accounts": "/admin/passinnov/recits/",
        "admin: publish a shared account": f"/admin/passinnov/recits/{shared.pk}/publier/",
        "admin: refuse a shared account": f"/admin/passinnov/recits/{shared.pk}/refuser/",
        "admin/logout/": "/admin/logout/",
        "oidc_login": "/connexion/oidc/",
        "oidc_callback": "/connexion/oidc/retour/",
        "oidc_directorate": "/connexion/oidc/direction/",
        "oidc_logout_callback": "/deconnexion/oidc/retour/",
        "practices:mine": "/pratiques/mes-pratiques/",
        "practices:declare": f"/pratiques/fiches/{fiche.pk}/je-l-ai-utilisee/",
        "practices:edit": f"/pratiques/declarations/{own.pk}/modifier/",
        "practices:withdraw": f"/pratiques/declarations/{own.pk}/retirer/",
        "practices:follow_up": f"/pratiques/suivi/{entry.pk}/",
        "admin: session edit": f"/admin/snippets/training_sessions/session/edit/{managed.pk}/",
        "wagtail.urls": pages["home.HomePage"],
    } | pages


def outcome(response):
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith("/connexion/?next="):
        return LOGIN
    if location.rstrip("/") == "/admin":
        return ADMIN_NO
    return GO


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(client, demo_user, targets, role):
    if role != "anonymous":
        client.force_login(demo_user(ACCOUNTS[role]))
    column = ROLES.index(role) + 1
    wrong = []
    for key, (method, *expected) in RULES.items():
        target = targets[key]
        url, data = target if isinstance(target, tuple) else (target, {})
        response = client.post(url, data) if method == "POST" else client.get(url)
        got = outcome(response)
        if got != expected[column - 1]:
            wrong.append(f"{key} ({method} {url}): expected {expected[column - 1]}, got {got}")
        if role != "anonymous" and not client.session.get("_auth_user_id"):
            client.force_login(demo_user(ACCOUNTS[role]))  # signed out by the logout row
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
