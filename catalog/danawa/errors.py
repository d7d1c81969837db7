"""What can go wrong when talking to Danawa, as exceptions the crawler can tell apart."""

from __future__ import annotations


class DanawaError(Exception):
    """Base of every crawler error; ``url`` is the page concerned (may be empty)."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class DisallowedURLError(DanawaError, ValueError):
    """The URL is malformed or not on danawa.com: refused before any network I/O."""


class RobotsDisallowedError(DanawaError):
    """Danawa's robots.txt does not allow our user agent to fetch this URL."""


class FetchError(DanawaError):
    """The page could not be fetched (a non-retryable status, or retries exhausted)."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


class ContentRejectedError(FetchError):
    """A download was refused for what it is: the wrong Content-Type, or larger than allowed.
    Not retried (the same request would get the same answer)."""


class TruncatedPageError(DanawaError):
    """The body ended before the page did (a dropped connection or a cut-off response)."""


class UnknownTemplateError(DanawaError):
    """The page has none of the structure the parser knows (e.g. a client-rendered template).

    Raised instead of returning an empty result, so that a changed site is never mistaken
    for a category without products.
    """
