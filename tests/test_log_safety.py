"""Log lines cannot be forged: control characters from clients are escaped in the app's log
handlers and in gunicorn's access log (the run command's live test checks both end to end)."""

from __future__ import annotations

import io
import logging
import logging.config
from datetime import timedelta

from django.conf import settings

from pcadvisor.log_safety import EscapeControlCharacters, escape


def test_escape_writes_control_characters_as_escapes() -> None:
    assert escape("a\nb\r\tc\x1b[31m\x00\x7f\x85") == "a\\nb\\r\\tc\\x1b[31m\\x00\\x7f\\x85"
    assert escape('say "hi" \\ ok', quotes=True) == 'say \\"hi\\" \\\\ ok'
    assert escape("한글 상품명 / 정상") == "한글 상품명 / 정상"


def _configured_console() -> tuple[logging.Logger, io.StringIO]:
    """The console handler exactly as settings.LOGGING configures it, writing to a buffer."""
    stream = io.StringIO()
    config = {
        **settings.LOGGING,
        "handlers": {"console": {**settings.LOGGING["handlers"]["console"], "stream": stream}},
        "loggers": {"forge-test": {"handlers": ["console"], "level": "INFO", "propagate": False}},
        "root": {"handlers": [], "level": "WARNING"},
        "disable_existing_loggers": False,
    }
    logging.config.dictConfig(config)
    return logging.getLogger("forge-test"), stream


def test_a_client_value_with_a_newline_stays_on_one_line() -> None:
    logger, stream = _configured_console()
    try:
        logger.warning("Not Found: %s", "/a\n2026-12-01 00:00:00 ERROR admin logged in")
        logger.info("user %r agent %s", "x\ny", "\x1b[2Jwiped")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith("Not Found: /a\\n2026-12-01 00:00:00 ERROR admin logged in")
    assert "\x1b" not in stream.getvalue() and "\\x1b[2Jwiped" in lines[1]


def test_tracebacks_keep_their_lines() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", ("a\nb",), None)
    assert EscapeControlCharacters().filter(record)
    assert record.getMessage() == "failed: a\\nb"


def test_the_access_log_escapes_every_atom_quotes_included() -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import SafeAtoms

    from pcadvisor.log_safety import EscapingGunicornLogger

    class Req:
        method, path, query, uri = "GET", "/x", "", "/x"
        version = (1, 1)
        headers = [("USER-AGENT", 'evil" "\x1b[31m \\"')]

    class Resp:
        status, response_length, sent = "404 Not Found", 0, 0
        headers: list = []

    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/x",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": "Basic YmFkCmZvcmdlZDp4",  # "bad\nforged:x"
        "HTTP_USER_AGENT": 'evil" "\x1b[31m \\"',
    }
    atoms = SafeAtoms(
        EscapingGunicornLogger(Config()).atoms(Resp(), Req(), environ, timedelta(seconds=0))
    )
    assert atoms["a"] == 'evil\\" \\"\\x1b[31m \\\\\\"'  # quotes by gunicorn, the rest by us
    assert atoms["u"] == "bad\\nforged"
    assert atoms["{user-agent}i"] == atoms["a"]
