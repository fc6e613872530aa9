"""A job's page, its progress as JSON for the page to poll, its file, and one's recent jobs.

A job is seen by whoever started it and by congress staff; to anyone else it does not exist
(404), and its file is sent only through `download`, never from a public address.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from congress.files import protected_file_response
from congress.jobs import notice_lapse, progress_of
from congress.models import Job
from congress.viewer import viewer_for

RECENT = 30


def _job_for(request, pk):
    job = Job.objects.filter(pk=pk).select_related("owner").first()
    if job is None or not job.may_be_seen_by(request.user):
        raise Http404
    return notice_lapse(job)


def _figures(job):
    done, total = progress_of(job)
    done = min(done, total) if total else done
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else None,
        "finished": job.is_finished,
        "message": job.message if job.is_finished else "",
        "download": reverse("jobs:download", args=[job.pk])
        if job.state == Job.State.DONE and job.result
        else None,
    }


@login_required
@require_GET
def detail(request, pk):
    job = _job_for(request, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "figures": _figures(job), "viewer": viewer_for(request)},
    )


@login_required
@require_GET
def status(request, pk):
    return JsonResponse(_figures(_job_for(request, pk)))


@login_required
@require_GET
def download(request, pk):
    job = _job_for(request, pk)
    if job.state != Job.State.DONE or not job.result:
        raise Http404
    return protected_file_response(job.result, job.result_name or job.result.name)


@login_required
@require_GET
def job_list(request):
    jobs = Job.objects.filter(owner=request.user)[:RECENT]
    return render(
        request,
        "jobs/job_list.html",
        {
            "jobs": [(job, _figures(notice_lapse(job))) for job in jobs],
            "viewer": viewer_for(request),
        },
    )


app_name = "jobs"
urlpatterns = [
    path("", job_list, name="list"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/status.json", status, name="status"),
    path("<int:pk>/download/", download, name="download"),
]
