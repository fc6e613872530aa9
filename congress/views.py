"""Views and view helpers every app shares."""

from django.contrib import messages
from django.shortcuts import redirect, render

from congress.errors import WorkflowError
from congress.viewer import viewer_for


def service_form_page(request, form, save, *, title, done, next_url):
    """A form whose save is one service call; a refusal shows on the form, not as a 500."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(
        request,
        "workbench/form_page.html",
        {"form": form, "title": title, "viewer": viewer_for(request)},
    )
