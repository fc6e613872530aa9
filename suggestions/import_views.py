"""Staff import a session's suggestions: upload, preview every row, confirm."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress.models import Session

from . import exports, services
from .access import require_staff, viewer_for
from .forms import ImportConfirmForm, ImportForm
from .imports import ImportFileError, plan_import, read_rows
from .models import WorkflowError


def upload_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _preview(request, session, token, rows, status=200):
    plans = plan_import(session, rows)
    refused = [p for p in plans if p.action == "refused"]
    return render(
        request,
        "workbench/import_preview.html",
        {
            "session": session,
            "plans": plans,
            "refused": refused,
            "to_create": sum(p.action == "create" for p in plans),
            "unchanged": sum(p.action == "unchanged" for p in plans),
            "confirm": ImportConfirmForm(initial={"session": session, "token": token}),
            "viewer": viewer_for(request),
        },
        status=status,
    )


@login_required
def upload(request):
    require_staff(request)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"session": Session.objects.current()}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            rows = read_rows(data, upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            kind = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
            token = f"{secrets.token_hex(16)}.{kind}"
            (upload_dir() / token).write_bytes(data)
            return _preview(request, form.cleaned_data["session"], token, rows)
    return render(
        request,
        "workbench/import_upload.html",
        {"form": form, "viewer": viewer_for(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def confirm(request):
    viewer = require_staff(request)
    form = ImportConfirmForm(request.POST)
    path = upload_dir() / form.data.get("token", "") if form.is_valid() else None
    if path is None or not path.is_file():
        messages.error(request, _("The uploaded file is gone; upload it again."))
        return redirect("workbench:import")
    session, token = form.cleaned_data["session"], form.cleaned_data["token"]
    try:
        rows = read_rows(path.read_bytes(), token)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("workbench:import")
    try:
        created = services.import_suggestions(
            session=session, plans=plan_import(session, rows), by=viewer.user
        )
    except WorkflowError as error:
        messages.error(request, str(error))
        return _preview(request, session, token, rows, status=400)
    path.unlink(missing_ok=True)
    if created:
        messages.success(
            request,
            _("%(count)s suggestion(s) imported into %(session)s.")
            % {"count": created, "session": session},
        )
    else:
        messages.info(request, _("Every row was already imported; nothing changed."))
    return redirect("workbench:dashboard")


@login_required
@require_GET
def template(request, fmt):
    require_staff(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return exports.import_template(fmt)
