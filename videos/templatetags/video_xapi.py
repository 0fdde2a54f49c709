from django import template

from videos.xapi import player_config

register = template.Library()


@register.simple_tag(takes_context=True)
def video_xapi_config(context, page):
    """The video player's xAPI settings for this page and user (None: the player records nothing)."""
    request = context.get("request")
    return player_config(page, request) if request is not None else None
