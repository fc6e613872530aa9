"""A suggestion's status and due date as lists and the workbench show them, row after row.

`{{ s|status_tags }}` and `{{ s|due_tags }}` render what `{% include %}`s of small templates
rendered once per row: staff's queues show some 300 rows, and an include per cell was most of
the page's time (a template looked up, a context pushed, a plural translated in the template
language for each). `{{ pk|workbench_url }}` is `{% url 'workbench:suggestion' pk %}`, reversed
once per URL configuration and prefix instead of once per row (20 µs each, 330 a page)."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from suggestions.figures import loop

register = template.Library()


@register.filter
def status_tags(s):
    """The status, then the reply class, the satisfaction and the key mark when there are."""
    tags = [
        format_html('<span class="status status-{}">{}</span>', s.status, s.get_status_display())
    ]
    if s.reply_class:
        tags.append(
            format_html(
                '<span class="tag class-{0}" title="{1}">{0}</span>',
                s.reply_class,
                s.get_reply_class_display(),
            )
        )
    if s.satisfaction:
        tags.append(
            format_html(
                '<span class="tag sat-{}">{}</span>', s.satisfaction, s.get_satisfaction_display()
            )
        )
    if s.is_key:
        tags.append(format_html('<span class="tag key">{}</span>', gettext("key")))
    return mark_safe(" ".join(tags))  # each part escaped by format_html


@register.filter
def due_tags(s):
    """The date a reply is due with the days left or overdue; a dash when none is awaited."""
    left = s.days_left()
    if left is None:
        return "—"
    due = s.due_on.strftime("%Y-%m-%d")
    if left < 0:
        n = -left
        text = ngettext("%(n)s day overdue", "%(n)s days overdue", n) % {"n": n}
        return format_html('{} <span class="tag overdue">{}</span>', due, text)
    if left == 0:
        return format_html('{} <span class="tag soon">{}</span>', due, gettext("due today"))
    text = ngettext("%(n)s day left", "%(n)s days left", left) % {"n": left}
    if s.is_due_soon():
        return format_html('{} <span class="tag soon">{}</span>', due, text)
    return format_html("{} <small>{}</small>", due, text)


_SENTINEL = 987654321  # a pk no row has, replaced by the row's in the reversed URL
_workbench_urls = {}


@register.filter
def workbench_url(pk):
    """A suggestion's page in the workbench, as `{% url 'workbench:suggestion' pk %}` gives it."""
    key = (get_urlconf(), get_script_prefix())
    pattern = _workbench_urls.get(key)
    if pattern is None:
        pattern = _workbench_urls[key] = reverse("workbench:suggestion", args=[_SENTINEL])
    return pattern.replace(str(_SENTINEL), str(int(pk)))


@register.filter
def queue_count(n):
    """A queue's badge: the count, or "1,000+" past `loop.COUNT_CAP` (counted no further)."""
    if n > loop.COUNT_CAP:
        return f"{number_format(loop.COUNT_CAP, force_grouping=True)}+"
    return n
