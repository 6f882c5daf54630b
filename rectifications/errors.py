"""What the case services refuse (inspections.errors.DomainError: a stable `code`, a message in the user's
language). Reasons required reuse inspections.errors.ReasonRequired."""

from __future__ import annotations

from inspections.errors import DomainError


class CaseError(DomainError):
    """A refused step in a case's life."""


class IllegalTransition(CaseError):
    """The case's state does not allow this step (`illegal_transition`)."""


class CaseAlreadyOpen(CaseError):
    """A live case exists for this place and item (`case_already_open`)."""


class CaseNotAllowed(CaseError):
    """This person may not take this step (`not_allowed`)."""


class CaseConflict(CaseError):
    """A client UUID already holds another answer or re-check (`conflict`, `uuid_taken`)."""


class CaseInvalid(CaseError):
    """The request is wrong in itself (`unknown_item`, `no_items`)."""
