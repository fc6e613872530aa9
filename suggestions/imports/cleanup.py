"""Housekeeping: import previews nobody confirmed are removed after a day."""

import datetime
import time
from pathlib import Path

from django.conf import settings

PREVIEW_MAX_AGE = datetime.timedelta(days=1)


def previews_dir():
    return Path(settings.MEDIA_ROOT) / "imports"


def remove_stale_previews(max_age=PREVIEW_MAX_AGE):
    """Delete files under MEDIA_ROOT/imports/ older than max_age; return how many."""
    folder = previews_dir()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age.total_seconds()
    removed = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile (confirmed or cleaned by another run)
            continue
    for path in sorted(folder.rglob("*"), reverse=True):  # empty sub-folders, deepest first
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
