"""Who may talk to the app: the user's own browser, on this machine, holding this launch's secret.

- Host must be a loopback name: a page on another site that points its DNS name at 127.0.0.1
  (DNS rebinding) is refused.
- Cross-origin requests that change anything, and cross-origin WebSocket handshakes, are refused
  (Origin must be the app's own).
- Every request carries the launch secret: `trainer app` opens the address with `?token=...`,
  which is turned into a cookie (HttpOnly, SameSite=Strict) and taken out of the address, as
  Jupyter does. Other local users and other web pages never see it.
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORBIDDEN_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>trainer: not allowed</title>"
    b"<p>This page needs the address that <code>trainer app</code> printed when it started "
    b"(it carries a secret that keeps other programs out). Open that address.</p>"
)


def cookie_name(host: str) -> str:
    """One cookie per port: two apps on one machine do not overwrite each other's secret."""
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else "80"
    return f"trainer-token-{port}"


class Guard:
    """ASGI middleware enforcing the rules above on HTTP requests and WebSocket handshakes."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if hostname not in LOOPBACK_NAMES:
            await self._refuse(scope, receive, send, 400, "this app answers only on its loopback address")
            return
        origin = headers.get("origin")
        writes = scope["type"] == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if writes and origin != f"http://{host}":
            await self._refuse(scope, receive, send, 403, "cross-origin requests are refused")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        token = query.get("token")
        if scope["type"] == "http" and token is not None and hmac.compare_digest(token, self.secret):
            await self._set_cookie(scope, send, host, query)
            return
        cookies = SimpleCookie(headers.get("cookie", ""))
        held = cookies.get(cookie_name(host))
        if held is None or not hmac.compare_digest(held.value, self.secret):
            await self._refuse(scope, receive, send, 403, "open the address that `trainer app` printed")
            return
        await self.app(scope, receive, send)

    async def _set_cookie(self, scope: Scope, send: Send, host: str, query: dict[str, str]) -> None:
        """The address with the secret: remember it in a cookie and show the address without it."""
        query.pop("token", None)
        location = scope["path"] + (("?" + urlencode(query)) if query else "")
        cookie = f"{cookie_name(host)}={self.secret}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode())],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, why: str) -> None:
        if scope["type"] == "websocket":
            await receive()  # the connect event
            await send({"type": "websocket.close", "code": 1008, "reason": why})  # before accept: HTTP 403
            return
        wants_html = any(k == b"accept" and b"text/html" in v for k, v in scope["headers"])
        body = FORBIDDEN_PAGE if wants_html and status == 403 else why.encode()
        kind = b"text/html; charset=utf-8" if body is FORBIDDEN_PAGE else b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": body})
