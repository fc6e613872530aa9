"""A deputy's suggestion and everything that happens to it, one module per concern.

Writes go through `suggestions.services`; the models here only answer questions. Every model is
importable from here: `from suggestions.models import Suggestion`.
"""

from congress.errors import WorkflowError  # noqa: F401  (services and views import it from here)
from congress.models import Category  # noqa: F401  (many modules import it from here)

# The suggestion first: the other modules name it in their foreign keys, and it reads them
# when its queryset's methods run.
from suggestions.models.suggestion import (  # noqa: F401
    NAMING,
    CoSigner,
    ProblemLink,
    Suggestion,
    awaits_publication,
)

# isort: split
from suggestions.models.figures import (  # noqa: F401
    FlagsToReview,
    OpenPromise,
    ReplyDays,
    SearchSynonym,
    Tally,
)
from suggestions.models.handling import (  # noqa: F401
    Assignment,
    CoHandlerOpinion,
    Contact,
    Decision,
    Evaluation,
    ExtensionRequest,
    Reply,
    ReturnRequest,
    UnitRequest,
    attachment_path,
)
from suggestions.models.history import Event, Notification  # noqa: F401
from suggestions.models.imports import ImportAlias, ImportMapping  # noqa: F401
from suggestions.models.loop import (  # noqa: F401
    FlagReview,
    ImplementationRating,
    KeySupervision,
    SimilarLink,
    SpecialReport,
    SupervisionMeeting,
    TextBand,
)
from suggestions.rules import (  # noqa: F401
    FLAG_BIT,
    FLAGGED_ALWAYS,
    FLAGS,
    FOLLOW_UP_CLASSES,
    ReplyClass,
    Satisfaction,
    days_until,
    due_soon_days,
)
