"""Agents: the site's account agents (the server, a user, a credential's authority) and inverse functional
identifiers (IFIs), as the filter index and the Agents resource use them. No database."""

from django.conf import settings


def site_agent(name):
    return {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": name}}


def server_authority():
    return site_agent("passinnov")


def user_agent(user):
    return site_agent(user.xapi_account_name)


def authority_for(credential, user):
    if credential is not None:
        return credential.authority
    if user is not None:
        return user_agent(user)
    return server_authority()


def ifi(agent):
    """The inverse functional identifier of an Agent or identified Group, with its objectType; else None."""
    if not isinstance(agent, dict):
        return None
    object_type = agent.get("objectType", "Agent")
    if "mbox" in agent:
        value = f"mbox={agent['mbox']}"
    elif "mbox_sha1sum" in agent:
        value = f"mbox_sha1sum={agent['mbox_sha1sum'].lower()}"
    elif "openid" in agent:
        value = f"openid={agent['openid']}"
    elif "account" in agent:
        value = f"account={agent['account'].get('homePage')}\x1f{agent['account'].get('name')}"
    else:
        return None
    return f"{object_type}|{value}"


def agent_ifis(agent):
    """IFIs of an Agent or Group and of the Group's members (a member of the actor group matches)."""
    found = []
    if not isinstance(agent, dict):
        return found
    own = ifi(agent)
    if own:
        found.append(own)
    for member in agent.get("member", []) if agent.get("objectType") == "Group" else []:
        member_ifi = ifi(member)
        if member_ifi:
            found.append(member_ifi)
    return found
