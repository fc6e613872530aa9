"""The back office's sessions, with concluding (办结) through the service: the congress app
registers them, but concluding closes suggestions, which live here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from congress.admin import SessionAdmin
from congress.models import Session
from suggestions import services
from suggestions.models import WorkflowError


class ConcludingSessionAdmin(SessionAdmin):
    list_display = [*SessionAdmin.list_display, "concluded_on"]
    readonly_fields = ["concluded_on"]
    actions = ["conclude_selected"]

    @admin.action(description=_("Conclude selected sessions (办结)"))
    def conclude_selected(self, request, queryset):
        for session in queryset:
            try:
                closed = services.conclude_session(session=session, by=request.user)
            except WorkflowError as error:
                self.message_user(request, f"{session}：{error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(session)s is concluded; %(count)s suggestion(s) closed with it.")
                    % {"session": session, "count": closed},
                    messages.SUCCESS,
                )


admin.site.unregister(Session)
admin.site.register(Session, ConcludingSessionAdmin)
