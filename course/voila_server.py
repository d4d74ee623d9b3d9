"""Voilà as ``python -m course app`` runs it: bind first, then announce; loopback stays loopback.

Plain Voilà has two habits that are wrong for a server that hands out a Python kernel:

* It prints its address while it is still looking for a port, and when the port is taken it
  quietly moves to another one. A program squatting on the printed port then receives the
  learner's token. Here the socket is bound first, on exactly the port asked for (``0`` lets
  the system pick a free one); only then is the address printed, with the port really got.
  A taken port is one clear line and exit code 1, never a move.
* It accepts any ``Host`` header (it sets ``allow_remote_access``). A page on another site
  whose name is re-pointed at 127.0.0.1 (DNS rebinding) could then drive the kernel. On a
  loopback address every request (pages, API, websockets, static files) must name a
  loopback host, and an ``Origin``, if sent, must be a loopback one too; anything else gets
  403 before any handler runs.

Run as ``python -m course.voila_server NOTEBOOK [Voilà options]`` (built by
:func:`course.apps.voila_command`); it takes every Voilà option.
"""

from __future__ import annotations

import errno
import ipaddress
import sys
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.routing
import tornado.web
from traitlets import Bool, Unicode
from voila.app import Voila

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_host(host: str | None) -> bool:
    """Whether a ``Host``/``Origin`` host (a port may follow) names this machine only."""
    if not host:
        return False
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8866
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:  # 127.0.0.1:8866, localhost:8866
        name = name.split(":", 1)[0]
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def request_allowed(host: str | None, origin: str | None) -> bool:
    """A request reaches the app only with a loopback Host and, if any, a loopback Origin."""
    if not is_loopback_host(host):
        return False
    if origin is None:
        return True  # not sent by a browser script (curl, the kernel's own clients)
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and is_loopback_host(parts.netloc)


class _Refused(tornado.web.RequestHandler):
    """403 for any method: the request named a host or origin that is not this machine."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Forbidden: this app only answers requests addressed to this machine.\n")


class LoopbackOnly(tornado.routing.Router):
    """Routes a request to the app only when :func:`request_allowed` says so."""

    def __init__(self, app: tornado.web.Application):
        self.app = app

    def find_handler(self, request: Any, **kwargs: Any) -> Any:
        if request_allowed(request.host, request.headers.get("Origin")):
            return self.app.find_handler(request, **kwargs)
        return self.app.get_handler_delegate(request, _Refused)


class CourseVoila(Voila):
    """Voilà that binds before it speaks and, on loopback, answers loopback only."""

    app_label = Unicode("", config=True, help="The app's name in the printed line.")
    loopback_only = Bool(True, config=True, help="Refuse non-loopback Host/Origin headers.")

    def url(self) -> str:
        host = "localhost" if self.ip in ("", "localhost") else self.ip
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.base_url}"

    def listen(self) -> None:
        try:
            sockets = tornado.netutil.bind_sockets(self.port, self.ip or None)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "is in use by another program"
            elif exc.errno in (errno.EACCES, errno.EPERM):
                why = "needs more permissions (ports below 1024 usually do)"
            else:
                why = f"cannot be used ({exc.strerror or exc})"
            print(
                f"Cannot start the app: port {self.port} on {self.ip} {why}. Choose another "
                "--port, or --port 0 to let the system pick a free one.",
                file=sys.stderr,
                flush=True,
            )
            self.exit(1)
        self.port = sockets[0].getsockname()[1]  # the port really bound (differs for 0)
        target = LoopbackOnly(self.app) if self.loopback_only else self.app
        server = tornado.httpserver.HTTPServer(target)
        server.add_sockets(sockets)
        token = getattr(getattr(self, "identity_provider", None), "token", "") or ""
        name = f"the {self.app_label} app" if self.app_label else "the app"
        if token:
            print(f"Serving {name}. Open: {self.url()}?token={token}", flush=True)
        else:
            print(f"Serving {name} at {self.url()} (no token: this machine only)", flush=True)
        self.ioloop = tornado.ioloop.IOLoop.current()
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            self.log.info("Stopping...")
        finally:
            server.stop()
            self.stop()


main = CourseVoila.launch_instance

if __name__ == "__main__":
    main()
