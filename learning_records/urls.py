from django.urls import path, re_path

from . import api, document_api

app_urlpatterns = [
    path("xapi/statements", api.statements, name="xapi_statements"),
    path("xapi/about", api.about, name="xapi_about"),
    re_path(r"^xapi/activities/state/?$", document_api.state, name="xapi_state"),
    re_path(r"^xapi/activities/profile/?$", document_api.activity_profile, name="xapi_activity_profile"),
    re_path(r"^xapi/agents/profile/?$", document_api.agent_profile, name="xapi_agent_profile"),
    re_path(r"^xapi/activities/?$", document_api.activities, name="xapi_activities"),
    re_path(r"^xapi/agents/?$", document_api.agents, name="xapi_agents"),
]
