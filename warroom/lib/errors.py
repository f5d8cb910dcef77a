"""Errors the services raise. Each edge (API, CLI, dashboard) turns them into its own answer."""


class DomainError(Exception):
    """A request that cannot be carried out; the message says why and how to fix it."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
