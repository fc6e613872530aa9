"""The suggestions app's background jobs: a confirmed import, a large export of the list.

Each is a `work(job, progress)` function for `congress.jobs.run`, queued by its Huey task in
`tasks.py`; the views start them with `start_import` and `start_export`.
"""

import os
import tempfile

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress import jobs
from congress.spreadsheets import write_spreadsheet
from suggestions import exports
from suggestions.imports import writing
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import ImportFileError
from suggestions.imports.uploads import Upload
from suggestions.models import WorkflowError

PROGRESS_EVERY = 1000  # export rows between two progress reports


# --- the import -----------------------------------------------------------------------------


def run_import(job, progress):
    """Check the kept file again and save every row or none, reporting replayed rows."""
    try:
        saved = Upload(job.params.get("token", ""))
    except Http404 as error:
        raise jobs.JobError(_("The uploaded file is gone; upload it again.")) from error
    try:
        sheets = saved.sheets()
    except ImportFileError as error:
        raise jobs.JobError(str(error)) from error
    plan = plan_import(saved.session, sheets)
    if not plan.rows:
        raise jobs.JobError(_("No suggestion rows were found; check the columns."))
    total = plan.concluded or plan.count("create") + plan.count("update")
    progress(0, total)
    try:
        counts = writing.import_suggestions(
            session=saved.session,
            plans=plan.rows,
            by=job.owner,
            progress=lambda done, total=None: progress(done, total),
        )
    except WorkflowError as error:  # nothing was saved; the file stays for the preview
        raise jobs.JobError(str(error)) from error
    saved.delete()
    if not (counts.created or counts.updated):
        return jobs.Result(message=_("Every row was already imported; nothing changed."))
    return jobs.Result(
        message=_(
            "%(session)s: %(created)s suggestion(s) created (%(concluded)s with their "
            "handling results), %(updated)s updated, %(unchanged)s unchanged."
        )
        % {
            "session": saved.session,
            "created": counts.created,
            "concluded": counts.concluded,
            "updated": counts.updated,
            "unchanged": plan.count("unchanged"),
        }
    )


# --- the export -----------------------------------------------------------------------------


def _counted(rows, progress, total):
    for n, row in enumerate(rows, start=1):
        if n % PROGRESS_EVERY == 0:
            progress(n, total)
        yield row


def run_export(job, progress):
    """Write the filtered list to a file, a row at a time (constant memory)."""
    fmt = job.params.get("fmt")
    if fmt not in ("csv", "xlsx"):
        raise jobs.JobError(_("Unknown file format."))
    filterset = exports.public_filter(QueryDict(job.params.get("query", "")))
    queryset = filterset.qs
    total = queryset.count()
    progress(0, total)
    descriptor, path = tempfile.mkstemp(suffix=f".{fmt}", prefix="export-")
    os.close(descriptor)
    try:
        write_spreadsheet(
            fmt,
            path,
            _("Suggestions"),
            exports.suggestion_header(),
            _counted(exports.suggestion_rows(queryset), progress, total),
        )
    except BaseException:
        os.unlink(path)
        raise
    name = f"suggestions-{timezone.localdate():%Y%m%d}.{fmt}"
    message = ngettext("%(count)s suggestion written.", "%(count)s suggestions written.", total) % {
        "count": total
    }
    return jobs.Result(message=message, path=path, name=name)
