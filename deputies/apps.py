from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies and liaison stations")

    def ready(self):
        from congress.history import timeline
        from deputies.models import Problem
        from deputies.services import write_problem_event

        timeline(Problem, write_problem_event)  # a problem's history is its events
