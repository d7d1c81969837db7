"""Log lines that a client cannot forge.

User-controlled values reach log lines: paths, query strings, the Basic-auth user name, the
User-Agent and Referer. A newline in one of them would start a fake log line, an ANSI escape
would rewrite the operator's terminal, and a double quote would end a quoted field early. Every
such character is written as an escape instead (``\\n``, ``\\x1b``, ``\\"``), so that one request
is one line whose fields mean what the format says.

- ``EscapeControlCharacters``: a logging filter on the app's handlers (settings.LOGGING).
- ``EscapingGunicornLogger``: gunicorn's access log with every atom escaped (scripts/run.py
  passes it as ``--logger-class``).
"""

from __future__ import annotations

import logging
import re

# C0 controls, DEL and C1 controls; the double quote and backslash only inside quoted fields.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(value: str, *, quotes: bool = False) -> str:
    """``value`` with control characters as escapes (and ``"``/``\\`` when ``quotes``)."""
    if quotes:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), value)


class EscapeControlCharacters(logging.Filter):
    """Formats the record's message once and escapes it; tracebacks are left as they are (they
    are ours, and multi-line on purpose)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True
        escaped = escape(message)
        if escaped != message or record.args:
            record.msg, record.args = escaped, None
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed to serve; the filter above works without it
    _GunicornLogger = None

if _GunicornLogger is not None:

    class EscapingGunicornLogger(_GunicornLogger):
        """gunicorn's logger whose access-log atoms (request line, user, headers) have their
        control characters and backslashes escaped. gunicorn's own ``SafeAtoms`` then escapes
        the double quotes, so the default format's quoted fields cannot be closed early (and a
        client's ``\\"`` cannot undo that)."""

        def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201
            atoms = super().atoms(resp, req, environ, request_time)
            return {
                key: escape(value.replace("\\", "\\\\")) if isinstance(value, str) else value
                for key, value in atoms.items()
            }
