"""The page each role opens on: a deputy's suggestions, a unit's work, staff queues."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from suggestions.access import viewer_for
from suggestions.workbench.deputy import deputy_section
from suggestions.workbench.staff import staff_section
from suggestions.workbench.stations import keeper_section
from suggestions.workbench.unit import unit_section


@login_required
@require_GET
def dashboard(request):
    viewer = viewer_for(request)
    context = {"viewer": viewer, "today": timezone.localdate()}
    if viewer.seats:  # a seat in this congress or another: one workbench for every level
        context.update(deputy_section(request, viewer))
    if viewer.is_keeper:
        context.update(keeper_section(viewer))
    if viewer.is_unit:
        context.update(unit_section(request, viewer))
    if viewer.is_staff:
        context.update(staff_section(request, viewer))
    return render(request, "workbench/dashboard.html", context)
