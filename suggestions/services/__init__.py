"""Every change to a suggestion: one function per transition, one module per stage.

Each function takes keyword arguments, runs in a transaction, locks the suggestion row, checks
the current state, saves what changed and writes an `Event`. A transition the rules refuse
raises `WorkflowError` with a message for the user and changes nothing.

- `intake`: drafts, co-signers, submission, registration, refusal, merging
- `assignment`: units, responsible person, contact, co-handlers' opinions, returns, extensions
- `replies`: replies, revisions, follow-ups of promises, publication
- `evaluation`: the deputy's evaluation, closing, rating the implementation
- `loop`: key suggestions, meetings, special reports, flags, recurring links
- `transfer`: passing a suggestion on (转交) to the congress above or below
- `sessions`: concluding a session (its suggestions become history), reopening one
- `editing`: staff's corrections; `checks`: each step's precondition; `common`: shared helpers

Callers use this package: `from suggestions import services; services.assign(...)`.
"""

from congress.errors import WorkflowError  # noqa: F401  (what every service raises)
from suggestions.services.assignment import (  # noqa: F401
    assign,
    decide_extension,
    decide_return,
    name_responsible_person,
    record_contact,
    request_extension,
    request_return,
    send_co_opinion,
)
from suggestions.services.checks import (  # noqa: F401
    EDITABLE_FIELDS,
    NO_LONGER_CO_SIGNED,
    WAITING_FOR_A_REPLY,
    check_assign,
    check_close,
    check_co_signers,
    check_conclude_session,
    check_confirm_co_signature,
    check_decide,
    check_decide_link,
    check_decline_co_signature,
    check_evaluate,
    check_follow_up,
    check_mark_key,
    check_merge,
    check_name_responsible_person,
    check_publish,
    check_rate_implementation,
    check_record_contact,
    check_refuse_registration,
    check_register,
    check_reopen,
    check_reply,
    check_request_extension,
    check_request_return,
    check_review_flag,
    check_revise_reply,
    check_send_co_opinion,
    check_submit,
    check_transfer,
    check_update_suggestion,
    current_reply,
    may_publish,
    transfer_targets,
)
from suggestions.services.common import (  # noqa: F401
    assignment_deadline,
    latest_allowed_due_on,
    reply_due_on,
    rule,
    site_text,
)
from suggestions.services.editing import (  # noqa: F401
    correct_suggestion,
    update_suggestion,
)
from suggestions.services.evaluation import (  # noqa: F401
    close,
    evaluate,
    rate_implementation,
)
from suggestions.services.intake import (  # noqa: F401
    confirm_co_signature,
    create_draft,
    decline_co_signature,
    draft_and_submit,
    enter_suggestion,
    merge,
    refuse_registration,
    register,
    submit,
    update_and_submit,
    update_draft,
)
from suggestions.services.loop import (  # noqa: F401
    decide_link,
    find_recurring,
    mark_key,
    publication_due_on,
    record_meeting,
    record_special_report,
    review_flag,
)
from suggestions.services.replies import (  # noqa: F401
    IMPORTED_PROMISE,
    follow_up,
    publish_reply,
    removed_passages,
    reply,
    revise_reply,
)
from suggestions.services.sessions import (  # noqa: F401
    conclude_session,
    reopen,
)
from suggestions.services.transfer import transfer  # noqa: F401
