"""A machine without npm and without a network, for the tests that build the decks offline."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def no_npm_no_network() -> Iterator[None]:
    """npm off PATH and every socket connection refused, for the ``with`` block."""

    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test: make slides must build offline")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(
            "PATH", os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "npm").exists())
        )
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        assert shutil.which("npm") is None
        yield
