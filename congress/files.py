"""Storing uploaded files safely, and sending a stored file once a view has decided the viewer
may have it.

The default storage (settings STORAGES) is `SafeFileSystemStorage`: a disk that is full or
read-only (or over quota) while a file is written leaves no partial file behind and raises
`StorageUnavailable`, a WorkflowError, so the service's transaction rolls back (no reply row)
and the form shows the reason instead of a 500.

Behind nginx (SENDFILE_X_ACCEL=1) the answer is an empty response with X-Accel-Redirect to the
internal location that maps onto MEDIA_ROOT (deploy/nginx.conf), so nginx sends the bytes;
otherwise Django streams them. Either way the headers are set here: the type from the stored
name, the original (possibly Chinese) name per RFC 5987/6266, and nosniff.
"""

import contextlib
import logging
import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from congress.errors import WorkflowError

logger = logging.getLogger(__name__)

from congress.middleware import STORAGE_REFUSALS  # noqa: E402  (the one list of refusals)


class StorageUnavailable(WorkflowError):
    """The file could not be stored (disk full, read-only); the message is for the user."""


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            # Django leaves the half-written (often 0-byte) file; it belongs to nobody.
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(path)
            if error.errno not in STORAGE_REFUSALS:
                raise
            logger.error("storage refused %s: %s", name, error)
            raise StorageUnavailable(
                _(
                    "The file could not be saved: the server's storage is full or read-only. "
                    "Nothing was saved; try again later, and tell the system's keeper."
                )
            ) from error


def protected_file_response(fieldfile, download_name):
    if not fieldfile:
        raise Http404
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    if settings.SENDFILE_X_ACCEL:
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.SENDFILE_URL_PREFIX + quote(fieldfile.name)
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
