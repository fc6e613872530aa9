"""Who may see and do what in the workbench. Every workbench view asks here, nowhere else.

A suggestion a user may not see answers 404 (its existence is not confirmed); an action the
user may not take on a suggestion they can see answers 403.
"""

from django.http import Http404

from congress.viewer import Viewer, require_staff, viewer_for  # noqa: F401  (views import here)


def get_visible_suggestion(viewer, pk):
    suggestion = viewer.visible_suggestions().filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion
