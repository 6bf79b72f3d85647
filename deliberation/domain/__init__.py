"""The domain layer: one function per write. Each checks permission and phase, writes in one
transaction and appends one Event. Views, the API and commands all call these; none knows HTTP."""

from .annotations import annotate
from .errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound, PhaseError, RateLimited
from .merge import duplicate_workshop, kinds_merge, merge_statements
from .moderation import (
    approve_statement,
    focus_statement,
    hide_annotation,
    hide_statement,
    lock_statement,
    move_statement,
    reject_statement,
    resolve_flag,
    restore_statement,
    rotate_join_code,
    set_moderation_note,
    set_phase,
    set_timer,
    unlock_statement,
    update_workshop,
)
from .people import (
    add_co_moderator,
    ban_participant,
    remove_co_moderator,
    rename_participant,
    set_participant_role,
    unban_participant,
)
from .statements import add_statement, edit_statement, link_statements, unique_title, withdraw_statement
from .votes import cast_vote, retract_vote
from .workshops import (
    create_workshop,
    find_workshop_by_code,
    join_workshop,
    moderator_seat,
    require_not_removed,
    require_open_to_join,
)

__all__ = [
    "Conflict",
    "DomainError",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "PhaseError",
    "RateLimited",
    "add_co_moderator",
    "add_statement",
    "annotate",
    "approve_statement",
    "ban_participant",
    "cast_vote",
    "create_workshop",
    "duplicate_workshop",
    "edit_statement",
    "find_workshop_by_code",
    "focus_statement",
    "hide_annotation",
    "hide_statement",
    "join_workshop",
    "link_statements",
    "lock_statement",
    "kinds_merge",
    "merge_statements",
    "moderator_seat",
    "move_statement",
    "reject_statement",
    "remove_co_moderator",
    "rename_participant",
    "require_not_removed",
    "require_open_to_join",
    "resolve_flag",
    "restore_statement",
    "retract_vote",
    "rotate_join_code",
    "set_moderation_note",
    "set_participant_role",
    "set_phase",
    "set_timer",
    "unban_participant",
    "unique_title",
    "unlock_statement",
    "update_workshop",
    "withdraw_statement",
]
