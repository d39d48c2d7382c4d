"""A local HTTP server that misbehaves on purpose, for trying ``councilbase fetch``:
redirects to other hosts and schemes, redirect loops, endless and oversized bodies, bodies
and headers dripped a byte at a time, responses cut short, lying Content-Length, bad
Retry-After. Each behaviour is a path; the symbol asked for picks it."""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PDF = b"%PDF-1.4\n% a tiny stand-in for a record\n%%EOF\n"


def _behaviours() -> dict[str, Callable[[BaseHTTPRequestHandler], None]]:
    def send(
        handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    def redirect(to: str) -> Callable[[BaseHTTPRequestHandler], None]:
        return lambda h: send(h, 302, {"Location": to, "Content-Length": "0"}, b"")

    def endless(h: BaseHTTPRequestHandler) -> None:  # no Content-Length, never ends
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.end_headers()
        h.wfile.write(b"%PDF-1.4\n")
        block = b"0" * 65536
        try:
            while True:
                h.wfile.write(block)
        except OSError:
            return

    def drip(h: BaseHTTPRequestHandler) -> None:  # a byte every 0.2 s, for ever
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.end_headers()
        try:
            for byte in PDF * 1000:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return

    def drip_headers(h: BaseHTTPRequestHandler) -> None:
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n" * 100:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return

    def cut_short(h: BaseHTTPRequestHandler) -> None:  # promises 100,000 bytes, sends 100
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(PDF + b"0" * 60)
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    def huge_declared(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, {"Content-Type": "application/pdf", "Content-Length": str(10**12)}, PDF)

    def bad_retry_after(h: BaseHTTPRequestHandler) -> None:
        send(h, 503, {"Retry-After": "9" * 400, "Content-Length": "0"}, b"")

    def good(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, {"Content-Type": "application/pdf", "Content-Length": str(len(PDF))}, PDF)

    return {
        "S/PV.1": redirect("http://elsewhere.invalid/doc.pdf"),
        "S/PV.2": redirect("ftp://127.0.0.1/doc.pdf"),
        "S/PV.3": redirect("https://127.0.0.1/doc.pdf"),  # same host, other scheme
        "S/PV.4": redirect("/api/symbol/access?s=S/PV.4&l=en&t=pdf"),  # a loop
        "S/PV.5": endless,
        "S/PV.6": drip,
        "S/PV.7": drip_headers,
        "S/PV.8": cut_short,
        "S/PV.9": huge_declared,
        "S/PV.10": bad_retry_after,
        "S/PV.11": redirect("/good?s=S/PV.11"),  # within the host: followed
        "S/PV.12": good,
    }


BEHAVIOURS = {
    "S/PV.1": "redirect to another host",
    "S/PV.2": "redirect to ftp://",
    "S/PV.3": "redirect to another scheme on the same host",
    "S/PV.4": "redirect loop",
    "S/PV.5": "endless body without Content-Length",
    "S/PV.6": "body dripped a byte at a time",
    "S/PV.7": "headers dripped a byte at a time",
    "S/PV.8": "body cut short of its Content-Length",
    "S/PV.9": "Content-Length of a terabyte",
    "S/PV.10": "503 with a 400-digit Retry-After",
    "S/PV.11": "redirect within the host",
    "S/PV.12": "a good PDF",
}
"""What each symbol gets, in words (for the benchmark's table)."""


@contextmanager
def hostile_server() -> Iterator[str]:
    """Serve the behaviours on 127.0.0.1; yields the base URL (ODS symbol-access layout)."""
    behaviours = _behaviours()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            symbol = query.get("s", [""])[0]
            if self.path.startswith("/good"):
                behaviours["S/PV.12"](self)
                return
            behaviour = behaviours.get(symbol)
            if behaviour is None:
                self.send_error(404)
                return
            behaviour(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/symbol/access"
    finally:
        server.shutdown()
        server.server_close()
