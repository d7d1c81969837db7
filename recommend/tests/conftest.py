from __future__ import annotations

from collections.abc import Iterator

import pytest

from recommend.tests.fake_ollama import FakeOllama


@pytest.fixture
def ollama(settings: object) -> Iterator[FakeOllama]:
    """A fake Ollama on a loopback port, with the settings pointing at it; stopped after."""
    fake = FakeOllama().start()
    settings.OLLAMA_HOST = fake.url
    settings.OLLAMA_MODEL = "exaone3.5:7.8b"
    settings.OLLAMA_TIMEOUT_SECONDS = 2.0
    settings.OLLAMA_HEALTH_TIMEOUT_SECONDS = 0.5
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def no_ollama(settings: object) -> None:
    """OLLAMA_HOST on a loopback port where nothing listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.OLLAMA_HOST = f"http://127.0.0.1:{port}"
    settings.OLLAMA_TIMEOUT_SECONDS = 1.0
    settings.OLLAMA_HEALTH_TIMEOUT_SECONDS = 0.5
