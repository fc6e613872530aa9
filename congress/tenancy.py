"""Which congress a piece of work is for, and the managers that keep each congress's rows apart.

One installation holds many congresses (a province, its cities, their counties). A request is
for one of them: the city's own pages at `/…`, a county's at `/c/<slug>/…`
(`CongressMiddleware`). While a congress is *active*, the default manager of every model that
belongs to one (`ScopedManager`) shows only that congress's rows, so a list, a form's choices,
the back office and the API of one congress cannot show another's, whatever the view forgot.
A job or a command activates the congress it works for (`activate`); with none active (the
shell, migrations, the demo builder) the managers show every congress. `Model.everywhere` is
the unscoped manager, for what spans congresses on purpose: roll-ups, a deputy at two levels,
a transfer. Design: docs/tenancy.md.
"""

import contextvars
import re
import time
from contextlib import contextmanager

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.sql import Query
from django.http import Http404
from django.urls import get_script_prefix, set_script_prefix
from django.utils.functional import SimpleLazyObject

_active = contextvars.ContextVar("active_congress", default=None)

PREFIX = re.compile(r"^/c/(?P<slug>[a-z0-9-]+)(?P<rest>/.*)?$")


def active():
    """The congress this work is for, or None (every congress)."""
    return _active.get()


def active_id():
    congress = _active.get()
    return congress.pk if congress is not None else None


@contextmanager
def activate(congress):
    """Work for `congress` (None: every congress) inside the block."""
    token = _active.set(congress)
    try:
        yield congress
    finally:
        _active.reset(token)


def _congresses():
    """The Congress model, from the registry (congress.models imports this module)."""
    return apps.get_model("congress", "Congress")


_known = {"version": None, "by_slug": {}}
VERSION_KEY = "v:congresses"


def known_congresses():
    """{slug: congress, None: the default}, kept per process while the congresses' version in
    the shared cache stays the same (a save anywhere bumps it); reread every time the cache is
    unreachable."""
    from congress.cache import FAILED, safely

    version = safely(lambda c: c.get_or_set(VERSION_KEY, time.time_ns(), None))
    if version is FAILED or version != _known["version"] or not _known["by_slug"]:
        rows = list(_congresses().objects.all())
        by_slug = {c.slug: c for c in rows}
        by_slug[None] = next((c for c in rows if c.is_default), None)
        _known.update(version=version, by_slug=by_slug)
    return _known["by_slug"]


def forget_congresses(**kwargs):
    from congress.cache import safely

    _known["by_slug"] = {}
    safely(lambda c: c.set(VERSION_KEY, time.time_ns(), None))


models.signals.post_save.connect(forget_congresses, sender="congress.Congress")
models.signals.post_delete.connect(forget_congresses, sender="congress.Congress")


def default_congress():
    return _congresses().objects.default()


def congress_of_work():
    """The congress a new row belongs to when its writer names none: the active one, else the
    installation's default (the city)."""
    return active() or default_congress()


def default_congress_id():
    """A model field's default: new rows go to the congress being worked for."""
    return congress_of_work().pk


class ScopedQuery(Query):
    """A query of a congress's rows that keeps to the active congress when it is *run*, not
    when it is built: a queryset made once (a form's choices, a filter's, a module's) and
    run in a later request shows that request's congress. Updates keep to it too."""

    def scope(self):
        congress = active()
        if congress is None:
            return None
        # The manager names the path on each query it makes. A query Django makes of the same
        # class for itself has none: the subquery of an exclude() across a many-valued
        # relation (`self.__class__(model)`), run inside the scoped query that made it.
        path = vars(self).get("congress_path")
        if path is None:
            return None
        kept = Q(**{f"{path}_id": congress.pk})
        unset = vars(self).get("unset_path")
        if unset and congress.is_default:
            kept |= Q(**{f"{unset}__isnull": True})
        return kept

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        scope = self.scope()
        query = self.clone()
        query.__class__ = Query
        if scope is not None:
            query.add_q(scope)
            if query.select_for_update and not query.select_for_update_of:
                # Lock the rows asked for, not the session or unit the scope joined to reach
                # the congress (every write in a session would queue on its session's row).
                query.select_for_update_of = ("self",)
        return query.get_compiler(using, connection, elide_empty)

    def chain(self, klass=None):
        if klass is None or klass is type(self):
            return super().chain()
        scope = self.scope()
        query = self.clone()
        query.__class__ = Query
        if scope is not None:
            query.add_q(scope)  # an update or a deletion of the active congress's rows only
        return query.chain(klass)


class ScopedManager(models.Manager):
    """The default manager of a congress's rows: they keep to the active congress, if any.

    `path` is the lookup from the model to its congress ("congress", "session__congress"); a
    class attribute, so the related managers Django derives from this one keep it."""

    path = "congress"
    unset = None

    def get_queryset(self):
        queryset = super().get_queryset()
        queryset.query.__class__ = ScopedQuery
        queryset.query.congress_path = self.path
        queryset.query.unset_path = self.unset
        return queryset


def scoped(queryset_class=None, path="congress", unset=None):
    """A ScopedManager over `queryset_class` (the model's own queryset methods kept).

    `unset`: a nullable link on the path (a report's session) whose rows, when it is empty,
    belong to the default congress (a report of a year, written before congresses had one)."""
    base = ScopedManager.from_queryset(queryset_class) if queryset_class else ScopedManager
    name = f"{(queryset_class or ScopedQuery).__name__}ScopedBy{path.title().replace('__', '')}"
    return type(name, (base,), {"path": path, "unset": unset})()


def everywhere(queryset_class=None):
    """The unscoped manager: what spans congresses on purpose."""
    return (models.Manager.from_queryset(queryset_class) if queryset_class else models.Manager)()


# -- the request's congress --------------------------------------------------------------------


def url_in(congress, path):
    """`path` (an address of the city's site, "/suggestions/1/") on `congress`'s site."""
    root = get_script_prefix()
    current = active()
    if current is not None and not current.is_default:
        root = root[: -len(f"c/{current.slug}/")]
    if congress is None or congress.is_default:
        return root + path.lstrip("/")
    return f"{root}c/{congress.slug}/{path.lstrip('/')}"


class CongressMiddleware:
    """`/c/<slug>/…` is congress <slug>'s site: the prefix becomes the script prefix (so every
    address the page builds stays on that site), the rest is routed as the city's would be, and
    the congress is active for the request. Anything else is the default congress's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        Congress = _congresses()
        prefix = get_script_prefix()
        match = PREFIX.match(request.path_info)
        if match is None:  # looked up when first asked (many requests never ask)
            congress = SimpleLazyObject(Congress.objects.default)
        else:
            slug = match["slug"]
            congress = known_congresses().get(slug) or Congress.objects.filter(slug=slug).first()
            if congress is None or congress.is_default:
                raise Http404
            request.path_info = match["rest"] or "/"
            set_script_prefix(f"{prefix}c/{congress.slug}/")
        request.congress = congress
        try:
            with activate(congress):
                response = self.get_response(request)
        finally:
            set_script_prefix(prefix)  # the test client does not reset it between requests
        if response.streaming:  # a streamed export runs its queries after this returns
            response.streaming_content = _while_active(congress, response.streaming_content)
        return response


def _while_active(congress, chunks):
    """Stream `chunks` with `congress` active, as the view that made them had it."""
    with activate(congress):
        yield from chunks


def site(request):
    """The congress whose site this page is (a context processor): its name heads the page."""
    congress = getattr(request, "congress", None) or default_congress()
    return {
        "site_congress": congress,
        "site_parent": congress.parent if congress.parent_id else None,
    }


# Rows that belong to no one congress: the liaison stations host the deputies of every level
# (五级代表进站), so their receptions and the problems raised there are shared.
SHARED = {"deputies.liaisonstation", "deputies.reception", "deputies.problem"}


def path_to_congress(model):
    """The lookup from `model` to its congress, for a model whose own default manager does not
    keep to one (a reply: through its suggestion), or None (scoped already, or shared)."""
    Congress = _congresses()
    meta = model._meta
    if isinstance(model._default_manager, ScopedManager) or meta.label_lower in SHARED:
        return None
    if model is Congress:  # the tree itself: its admin says who sees which
        return None
    for field in meta.concrete_fields:
        target = field.related_model if (field.many_to_one or field.one_to_one) else None
        if target is None:
            continue
        if target is Congress:
            return field.name
        if isinstance(target._default_manager, ScopedManager):
            return f"{field.name}__{target._default_manager.path}"
    return None


def congress_id_of(obj):
    """The pk of the congress `obj` belongs to, following its links; None when it belongs to
    no one congress (shared rows, or a link left empty)."""
    manager = type(obj)._default_manager
    path = manager.path if isinstance(manager, ScopedManager) else path_to_congress(type(obj))
    if path is None:
        return None
    *links, last = path.split("__")
    for link in links:
        obj = getattr(obj, link, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def keep_to_congress(queryset):
    """`queryset` kept to the active congress, whatever its model (see path_to_congress)."""
    path = path_to_congress(queryset.model)
    congress_id = active_id()
    if path is None or congress_id is None:
        return queryset
    return queryset.filter(**{f"{path}_id": congress_id})


def each_congress():
    """Every congress in turn, active while the caller works for it (daily work that reads each
    congress's own rule profile: reminders, deadlines)."""
    for congress in _congresses().objects.order_by("pk"):
        with activate(congress):
            yield congress


def reverse_in(congress, viewname, *args):
    """`reverse(viewname, args)` on `congress`'s site, whichever site this request is on."""
    from django.urls import reverse

    here = reverse(viewname, args=args)  # under this site's script prefix
    return url_in(congress, "/" + here[len(get_script_prefix()) :])
