from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from congress.history import timeline
        from suggestions.figures.summaries import watch_writes
        from suggestions.models import Suggestion
        from suggestions.services.common import write_event

        timeline(Suggestion, write_event)  # a suggestion's history is its events
        watch_writes()  # every write to what a figure derives from is noted (change sets)
