"""The HTTP protocol the server's processes speak: uvicorn's, with Nagle's algorithm off.

With more than one worker, uvicorn binds the listening socket itself as
``socket.socket(AF_INET)``, whose ``proto`` is 0, and asyncio only sets ``TCP_NODELAY`` on an
accepted socket whose ``proto`` is ``IPPROTO_TCP``. Each response is written in two pieces
(the headers, then the body), so on a reused connection the body waited for the client's
delayed acknowledgement of the headers: about 40 ms on every request after the first (with
one worker, uvicorn's own ``create_server`` sockets had ``TCP_NODELAY`` and no stall).
``bench/web_keepalive.py`` measures the time to the last byte on a reused connection.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

try:  # the faster parser when it is installed, as uvicorn's "auto" chooses
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - depends on what is installed
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send each write at once on a TCP connection (no Nagle)."""
    sock: Any = transport.get_extra_info("socket")
    if sock is not None and sock.family in {socket.AF_INET, socket.AF_INET6}:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayProtocol(_Base):
    """uvicorn's HTTP protocol, with ``TCP_NODELAY`` set on each connection it is given."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)
