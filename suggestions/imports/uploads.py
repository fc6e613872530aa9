"""An uploaded sheet kept between the preview and the confirmed import, under a random token."""

import json
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.http import Http404

from congress.models import Session
from suggestions.imports.mapping import headers_key
from suggestions.imports.reading import read_file

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def upload_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Upload:
    """The file being imported and the choices made on it so far."""

    def __init__(self, token):
        if not TOKEN.match(token or ""):
            raise Http404
        self.token = token
        self.state_path = upload_dir() / f"{token}.json"
        self.data_path = upload_dir() / f"{token}.data"
        if not (self.state_path.is_file() and self.data_path.is_file()):
            raise Http404
        self.state = json.loads(self.state_path.read_text())
        self.session = Session.objects.filter(pk=self.state.get("session")).first()
        if self.session is None:
            raise Http404

    @classmethod
    def create(cls, session, name, data):
        token = secrets.token_hex(16)
        (upload_dir() / f"{token}.data").write_bytes(data)
        (upload_dir() / f"{token}.json").write_text(
            json.dumps({"session": session.pk, "name": name, "sheets": {}})
        )
        return cls(token)

    def save(self):
        self.state_path.write_text(json.dumps(self.state, ensure_ascii=False))

    def replace(self, name, data):
        self.data_path.write_bytes(data)
        self.state["name"] = name
        self.save()

    def delete(self):
        self.data_path.unlink(missing_ok=True)
        self.state_path.unlink(missing_ok=True)

    def sheets(self):
        """The file's sheets with the header rows, columns and choices staff made."""
        sheets = read_file(self.data_path.read_bytes(), self.state["name"])
        for sheet in sheets:
            chosen = self.state["sheets"].get(sheet.name)
            if not chosen:
                continue
            if chosen.get("header") != sheet.header_index:
                sheet.set_header(chosen.get("header"))
            if sheet.header_index is not None and chosen.get("key") == headers_key(sheet.header):
                sheet.mapping = chosen["mapping"]
            sheet.use = chosen.get("use", True) and sheet.header_index is not None
        return sheets
