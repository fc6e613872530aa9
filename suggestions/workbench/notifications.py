"""The notification list and the unread badge in the header."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.access import viewer_for
from suggestions.models import Notification


@login_required
def notification_list(request):
    # A person's notifications from every congress they work in, each linked to its own site.
    notes = Notification.objects.filter(user=request.user).select_related(
        "suggestion__session__congress"
    )
    if request.method == "POST":
        notes.unread().update(read_at=timezone.now())
        messages.success(request, _("All notifications marked as read."))
        return redirect("workbench:notifications")
    return render(
        request,
        "workbench/notifications.html",
        {
            "page": Paginator(notes, 50).get_page(request.GET.get("page")),
            "viewer": viewer_for(request),
        },
    )


def unread_count(request):
    """Context processor: the unread badge in the header (one query, for logged-in users)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            user=request.user, read_at__isnull=True
        ).count(),
        "workbench_url": reverse("workbench:dashboard"),
    }
