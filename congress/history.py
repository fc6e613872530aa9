"""How a history line describes an edit: each field changed, with its old and new value.

Shared by the suggestion and the problem histories. Written in the site's language, like every
history note, whoever made the change.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override


def _shown(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def describe_changes(obj, changes, old=None, private=()):
    """「label：old → new」 per line, for the fields whose value really changes.

    `old` gives values the object does not hold itself (a list of co-signers); a `private`
    field is named without its values.
    """
    old = old or {}
    lines = []
    with override(settings.LANGUAGE_CODE):
        for field, new in changes.items():
            before = old[field] if field in old else getattr(obj, field)
            if before == new:
                continue
            label = str(obj._meta.get_field(field).verbose_name)
            if field in private:
                lines.append(f"{label}：{_('changed (private)')}")
            else:
                lines.append(f"{label}：{_shown(before)} → {_shown(new)}")
    return "\n".join(lines)
