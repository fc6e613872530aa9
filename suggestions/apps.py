from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from congress.history import timeline
        from suggestions.models import Suggestion
        from suggestions.services.common import write_event

        timeline(Suggestion, write_event)  # a suggestion's history is its events
