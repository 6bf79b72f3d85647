"""The domain layer: one function per write. Each checks permission and phase, writes in one
transaction and appends one Event. Views, the API and commands all call these; none knows HTTP."""

from .annotations import annotate
from .errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound, PhaseError, RateLimited
from .statements import add_statement, edit_statement, link_statements, unique_title, withdraw_statement
from .votes import cast_vote, retract_vote
from .workshops import create_workshop, find_workshop_by_code, join_workshop, moderator_seat

__all__ = [
    "Conflict",
    "DomainError",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "PhaseError",
    "RateLimited",
    "add_statement",
    "annotate",
    "cast_vote",
    "create_workshop",
    "edit_statement",
    "find_workshop_by_code",
    "join_workshop",
    "link_statements",
    "moderator_seat",
    "retract_vote",
    "unique_title",
    "withdraw_statement",
]
