"""The web UI's exceptions: each maps to one HTTP answer."""

from __future__ import annotations


class WebError(Exception):
    """Base of the web UI's errors; ``status`` is the HTTP status it answers with."""

    status = 400


class NotLoggedInError(WebError):
    status = 401


class ForbiddenError(WebError):
    """The user's role does not allow this page or action."""

    status = 403


class CsrfError(WebError):
    """A form came without a valid CSRF token or from another origin."""

    status = 403
