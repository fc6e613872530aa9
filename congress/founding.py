"""Adding a congress to the installation: the record, its rule profile, its first staff login.

`manage.py add_congress` is the operators' way in (docs/operators.md#adding-a-congress); the demo
builds its counties with the same function. Everything is checked before anything is saved, and
a refusal says what to change.
"""

import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from congress.models import Congress, Division
from congress.roles import staff_group

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# A congress sits under one of a higher level: a province holds cities, a city its counties.
ABOVE = {
    Congress.Level.CITY: Congress.Level.PROVINCE,
    Congress.Level.COUNTY: Congress.Level.CITY,
}


class FoundingError(ValueError):
    """Why a congress cannot be added as asked; nothing was saved."""


def parse_rules(pairs):
    """["REPLY_MONTHS=2", ...] -> {"REPLY_MONTHS": 2}: only the installation's rule names
    (settings.SUGGESTION_RULES), each a whole number of at least zero."""
    rules = {}
    known = settings.SUGGESTION_RULES
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = name.strip().upper(), value.strip()
        if not sep or not name:
            raise FoundingError(f"A rule is NAME=NUMBER, e.g. REPLY_MONTHS=2, not {pair!r}.")
        if name not in known:
            raise FoundingError(f"No rule named {name}. The rules are: {', '.join(sorted(known))}.")
        if not re.fullmatch(r"\d{1,4}", value):
            raise FoundingError(
                f"The rule {name} takes a whole number (the installation's is "
                f"{known[name]}), not {value!r}."
            )
        if name in rules:
            raise FoundingError(f"The rule {name} is given twice.")
        rules[name] = int(value)
    return rules


def check_new_congress(*, name, short_name, slug, level, parent=None, division=None):
    """The parent Congress and the Division the arguments name, or a FoundingError."""
    if not name.strip() or not short_name.strip():
        raise FoundingError("A congress needs a name and a short name.")
    if len(name) > 100 or len(short_name) > 30:
        raise FoundingError("The name is at most 100 characters, the short name 30.")
    if not SLUG.match(slug):
        raise FoundingError(
            f"The slug {slug!r} is not a site address: use lowercase letters, digits and "
            "hyphens (at most 40), e.g. xiaoyi; the site will be /c/<slug>/."
        )
    if level not in Congress.Level.values:
        raise FoundingError(
            f"No level {level!r}; the levels are {', '.join(Congress.Level.values)}."
        )
    taken = Congress.objects.filter(slug=slug).first()
    if taken is not None:
        raise FoundingError(f"The slug {slug!r} is already the site of {taken.name}.")
    if Congress.objects.filter(name=name).exists():
        raise FoundingError(f"A congress named {name} already exists.")
    above = None
    if parent:
        above = Congress.objects.filter(slug=parent).first()
        if above is None:
            slugs = ", ".join(Congress.objects.values_list("slug", flat=True))
            raise FoundingError(f"No congress with the slug {parent!r}. The slugs are: {slugs}.")
        if ABOVE.get(level) != above.level:
            raise FoundingError(
                f"A {level} congress cannot sit under {above.name} ({above.level})."
            )
    elif level == Congress.Level.COUNTY:
        raise FoundingError("A county congress sits under a city's: name it with --parent.")
    found = None
    if division:
        found = Division.objects.filter(name=division).first()
        if found is None:
            names = "、".join(Division.objects.values_list("name", flat=True)) or "none"
            raise FoundingError(
                f"No division named {division}. The divisions are: {names}. "
                "Add it in the back office first, or leave --division out."
            )
        other = found.congresses.first()
        if other is not None:
            raise FoundingError(f"The division {division} is already {other.name}'s.")
    return above, found


def check_staff_login(username):
    if username is None:
        return
    User = get_user_model()
    field = User._meta.get_field(User.USERNAME_FIELD)
    if not username.strip() or len(username) > field.max_length:
        raise FoundingError(f"{username!r} is not a usable login name.")
    if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
        raise FoundingError(
            f"The login {username!r} already exists; choose another, or add that user to the "
            "congress's staff in the back office."
        )


@transaction.atomic
def add_congress(
    *,
    name,
    short_name,
    slug,
    level,
    parent=None,
    division=None,
    rules=(),
    staff_login=None,
):
    """Add a congress; returns (congress, staff user or None, password or None).

    `parent` is a congress's slug, `division` a Division's name, `rules` NAME=NUMBER strings.
    The staff login is created in the staff group, may use the back office, is on the new
    congress's staff only, and gets a random one-time password."""
    profile = parse_rules(rules)
    above, found = check_new_congress(
        name=name, short_name=short_name, slug=slug, level=level, parent=parent, division=division
    )
    check_staff_login(staff_login)
    siblings = Congress.objects.filter(parent=above).aggregate(last=Max("order"))["last"]
    congress = Congress.objects.create(
        name=name,
        short_name=short_name,
        slug=slug,
        level=level,
        parent=above,
        division=found,
        rules=profile,
        order=0 if siblings is None else siblings + 1,
    )
    user = password = None
    if staff_login is not None:
        password = secrets.token_urlsafe(12)
        user = get_user_model().objects.create_user(
            username=staff_login, password=password, is_staff=True
        )
        user.groups.add(staff_group())
        congress.staff.add(user)
    return congress, user, password
