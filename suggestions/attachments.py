"""Reply attachments (the signed letter): one validator for every entry point, random storage
names, and who may download them."""

import posixpath
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
EXTENSIONS = ["pdf", *IMAGE_FORMATS]


def extension_of(name):
    return posixpath.splitext(name or "")[1].lstrip(".").lower()


def _is_real_image(upload, kind):
    # verify() checks the structure, load() decodes every pixel; a decompression bomb is refused.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != kind:
                    return False
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        return True
    except (Exception, Image.DecompressionBombWarning):
        return False
    finally:
        upload.seek(0)


def _is_real_pdf(upload):
    # Imported here: pypdf takes 0.2 s to import, and every process (each `manage.py` command,
    # each web worker, each test run) imports this module with the models.
    from pypdf import PdfReader

    try:
        upload.seek(0)
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return False
        return len(reader.pages) > 0 and reader.pages[0].mediabox is not None
    except Exception:
        return False
    finally:
        upload.seek(0)


def validate_attachment(upload):
    """A PDF, PNG or JPEG of at most 10 MB that actually opens as what its name says."""
    extension = extension_of(upload.name)
    if extension not in EXTENSIONS:
        raise ValidationError(_("Attach a PDF, PNG or JPEG file."))
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The attachment is larger than 10 MB."))
    real = (
        _is_real_pdf(upload)
        if extension == "pdf"
        else _is_real_image(upload, IMAGE_FORMATS[extension])
    )
    if not real:
        raise ValidationError(
            _("The file's content is not a real %(kind)s file.") % {"kind": extension.upper()}
        )
    return upload


def storage_name(instance, filename):
    """replies/<session>/<suggestion>/<random>.<ext>: nothing to guess; the original name is
    kept in Reply.attachment_name for the download."""
    extension = extension_of(filename)
    random = uuid.uuid4().hex
    return f"replies/{instance.suggestion.session_id}/{instance.suggestion_id}/{random}" + (
        f".{extension}" if extension else ""
    )
