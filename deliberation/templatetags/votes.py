"""`{% vote_widget %}`: a statement's vote widget in the detail panel, from the panel's context.
The same function answers every vote (`views/vote_widget.py`). `{% comment_threads %}`: the
panel's comment threads, which an open panel re-fetches on every comment (`views/comment_threads.py`)."""

from django import template

from deliberation.views.comment_threads import comment_threads as render_threads
from deliberation.views.vote_widget import vote_widget as render_widget

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_widget(context):
    return render_widget(
        context["request"], context["detail"], context["can"], context.get("vote_error"), context.get("vote_note")
    )


@register.simple_tag(takes_context=True)
def comment_threads(context):
    """The panel's comment threads (`views/comment_threads.py`)."""
    return render_threads(
        context["request"], context["detail"], context["can"]["can_annotate"], context.get("annotation_values")
    )
