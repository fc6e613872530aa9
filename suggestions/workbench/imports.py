"""Staff import a session's suggestions: upload, check the columns, preview every row, confirm.

The uploaded file stays in `MEDIA_ROOT/imports/` under a random token (with a small JSON file
of the choices made), so staff can fix the mapping or upload a corrected file without losing
their place; a periodic job removes what nobody confirmed. The confirmed import runs as a
background job (`jobs.py`) that staff follow on its page; a refused import leaves the file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress.models import Session
from congress.viewer import require_staff, viewer_for
from suggestions import exports
from suggestions.forms import IMPORT_MAX_BYTES, ImportForm
from suggestions.imports.mapping import FIELDS, HEADER_ROWS, headers_key, remember_mapping
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import ImportFileError, read_file
from suggestions.imports.uploads import TOKEN, Upload, upload_dir  # noqa: F401
from suggestions.tasks import start_import


def _refuse_file(request, upload, error):
    upload.delete()
    messages.error(request, str(error))
    return redirect("workbench:import")


@login_required
def upload(request):
    require_staff(request)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"session": Session.objects.current()}
    )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            read_file(data, file.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            saved = Upload.create(form.cleaned_data["session"], file.name, data)
            return redirect("workbench:import_columns", token=saved.token)
    return render(
        request,
        "workbench/import_upload.html",
        {"form": form, "viewer": viewer_for(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def columns(request, token):
    require_staff(request)
    saved = Upload(token)
    try:
        sheets = saved.sheets()
    except ImportFileError as error:
        return _refuse_file(request, saved, error)
    errors, moved = [], False
    if request.method == "POST":
        before = [sheet.header_index for sheet in sheets]
        errors = _apply_choices(request.POST, saved, sheets)
        # A new header row brings new columns: show them before checking the rows.
        moved = before != [sheet.header_index for sheet in sheets]
        if not errors and not moved:
            for sheet in sheets:
                if sheet.use:
                    remember_mapping(sheet.header, sheet.mapping)
            return redirect("workbench:import_preview", token=token)
    return render(
        request,
        "workbench/import_columns.html",
        {
            "upload": saved,
            "sheets": sheets,
            "fields": [(key, label) for key, label, _synonyms in FIELDS],
            "header_rows": range(1, HEADER_ROWS + 1),
            "errors": errors,
            "moved": moved,
            "any_header": any(s.header_index is not None for s in sheets),
            "viewer": viewer_for(request),
        },
        status=400 if errors else 200,
    )


def _apply_choices(data, saved, sheets):
    """Read the mapping form into the sheets and the saved state; a list of problems."""
    known = {key for key, _label, _synonyms in FIELDS}
    errors = []
    for k, sheet in enumerate(sheets):
        header = data.get(f"header-{k}", "")
        number = int(header) if header.isascii() and header.isdigit() else 0
        index = number - 1 if 0 < number <= HEADER_ROWS else None
        if index is not None and index >= len(sheet.rows):
            index = None
        if index != sheet.header_index:
            sheet.set_header(index)  # a new header row: its columns are mapped afresh
        elif sheet.header_index is not None:
            mapping = [data.get(f"map-{k}-{i}", "") for i in range(len(sheet.header))]
            mapping = [m if m in known else "" for m in mapping]
            twice = {m for m in mapping if m and mapping.count(m) > 1}
            if twice:
                labels = "、".join(str(label) for key, label, _s in FIELDS if key in twice)
                errors.append(
                    _("Sheet %(sheet)s: more than one column fills %(fields)s; choose one.")
                    % {"sheet": sheet.name, "fields": labels}
                )
            sheet.mapping = mapping
        sheet.use = bool(data.get(f"use-{k}")) and sheet.header_index is not None
        saved.state["sheets"][sheet.name] = {
            "use": sheet.use,
            "header": sheet.header_index,
            "key": headers_key(sheet.header) if sheet.header_index is not None else "",
            "mapping": sheet.mapping,
        }
    if not any(s.use for s in sheets) and not errors:
        errors.append(_("Choose at least one sheet to read, and its header row."))
    saved.save()
    return errors


def _preview(request, saved, sheets, status=200):
    plan = plan_import(saved.session, sheets)
    return render(
        request,
        "workbench/import_preview.html",
        {
            "upload": saved,
            "session": saved.session,
            "plan": plan,
            "plans": plan.rows,
            "refused": plan.refused,
            "to_create": plan.count("create"),
            "to_update": plan.count("update"),
            "unchanged": plan.count("unchanged"),
            "updates": [p for p in plan.rows if p.action == "update" and p.diffs],
            "noted": [p for p in plan.rows if p.notes or p.warnings][:500],
            "viewer": viewer_for(request),
            "max_mb": IMPORT_MAX_BYTES // 1024 // 1024,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, token):
    """The check of every row; a POST brings a corrected file in place of the first."""
    require_staff(request)
    saved = Upload(token)
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None or file.size > IMPORT_MAX_BYTES or file.size == 0:
            messages.error(
                request,
                _("Choose a corrected file of at most %(mb)s MB.")
                % {"mb": IMPORT_MAX_BYTES // 1024 // 1024},
            )
            return redirect("workbench:import_preview", token=token)
        data = file.read()
        try:
            read_file(data, file.name)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("workbench:import_preview", token=token)
        saved.replace(file.name, data)
        messages.info(request, _("The corrected file replaces the first one."))
        return redirect("workbench:import_preview", token=token)
    try:
        sheets = saved.sheets()
    except ImportFileError as error:
        return _refuse_file(request, saved, error)
    return _preview(request, saved, sheets)


@login_required
@require_POST
def confirm(request, token):
    """Queue the import and show its job: the worker checks the kept file again and saves
    every row or none; on a refusal the file stays, for the preview."""
    viewer = require_staff(request)
    try:
        saved = Upload(token)
    except Http404:
        messages.error(request, _("The uploaded file is gone; upload it again."))
        return redirect("workbench:import")
    job = start_import(saved, viewer.user)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def template(request, fmt):
    require_staff(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return exports.import_template(fmt)
