"""`{% vote_widget %}`: a statement's vote widget in the detail panel, from the panel's context.
The same function answers every vote (`views/vote_widget.py`)."""

from django import template

from deliberation.views.vote_widget import vote_widget as render_widget

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_widget(context):
    return render_widget(
        context["request"], context["detail"], context["can"], context.get("vote_error"), context.get("vote_note")
    )
