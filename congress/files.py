"""Sending a stored file once a view has decided the viewer may have it.

Behind nginx (SENDFILE_X_ACCEL=1) the answer is an empty response with X-Accel-Redirect to the
internal location that maps onto MEDIA_ROOT (deploy/nginx.conf), so nginx sends the bytes;
otherwise Django streams them. Either way the headers are set here: the type from the stored
name, the original (possibly Chinese) name per RFC 5987/6266, and nosniff.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


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
