"""The dashboard's guards, as plain ASGI middleware (outermost first when assembled):

* :class:`SecurityHeaders` - CSP, X-Frame-Options, nosniff and no-referrer on every response;
* Starlette's ``TrustedHostMiddleware`` - only known Host names (defeats DNS rebinding);
* :class:`BodyLimit` - 413 for a body over the limit, checked before it is read (the
  Content-Length header, and a byte count of a streamed/chunked body);
* :class:`SameOrigin` - a POST/PUT/PATCH/DELETE from another site or origin gets 403;
* :class:`TokenAuth` - every request carries the session token (``Authorization: Bearer``) or
  the session cookie; the token is exchanged once, on the page ``/?token=...``, for a
  ``SameSite=Strict; HttpOnly`` cookie and is never accepted from the query string otherwise.
  On a team server (a :class:`~accord.web.users.Team`) the token is each person's own: the
  header is ``Bearer NAME:SECRET``, the page ``/?user=NAME&token=SECRET``, the cookie names
  that person's session; the request's user is ``scope["accord.user"]`` (``local`` without a
  team).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .users import LOCAL_USER, Team, User

__all__ = [
    "LOCAL_HOSTS",
    "BodyLimit",
    "SameOrigin",
    "SecurityConfig",
    "SecurityHeaders",
    "TokenAuth",
    "host_names",
    "install",
    "token_matches",
    "user_of",
]

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")  # as Starlette parses Host (IPv6 in brackets)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the dashboard's page loads only its own script; its inline <style> needs 'unsafe-inline'
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class SecurityConfig:
    """What the guards allow. ``token`` is generated when not given (one per server start)."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    hosts: tuple[str, ...] = LOCAL_HOSTS
    origins: tuple[str, ...] = ()  # extra allowed origins, e.g. "https://accord.example.org"
    max_body: int = 2 * 1024 * 1024 + 64 * 1024
    cookie_name: str = "accord_session"
    secure_cookie: bool = False  # set when the dashboard is served over https
    #: the cookie's value: a random secret of this server start, never the token itself
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    #: the people of a team server; None: one analyst (``local``) behind the token
    team: Team | None = None


def user_of(scope: Scope) -> User:
    """Who sent this request (set by :class:`TokenAuth`; ``local`` without a team)."""
    found = scope.get("accord.user")
    return found if isinstance(found, User) else LOCAL_USER


def host_names(bound: str | None = None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The Host names to accept: loopback, the address bound to and any ``extra`` ones.

    A wildcard bind (0.0.0.0, ::) adds the machine's own names; any other name a team uses
    (a DNS alias, a proxy's name) must be given in ``extra``.
    """
    import socket

    names = list(LOCAL_HOSTS)
    for h in [bound or "", *extra]:
        h = h.strip().lower()
        if h in ("", "0.0.0.0", "::", "[::]"):
            if h:
                names += [socket.gethostname().lower(), socket.getfqdn().lower()]
            continue
        names.append(f"[{h}]" if ":" in h and not h.startswith("[") else h)
    return tuple(dict.fromkeys(names))


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison on bytes: any text (non-ASCII too) is simply "no match"."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


async def _send_json(
    send: Send, status: int, detail: str, extra: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_LOGIN_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>accord</title>"
    b"<p>This dashboard needs its token. Open the URL that <code>accord serve</code> "
    b"printed (it ends in <code>?token=...</code>) in this browser.</p>"
)
_TEAM_LOGIN_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>accord</title>"
    b"<p>This is a team's dashboard: sign in with your name and your own secret.</p>"
    b'<form method=get action="/"><p><label>name <input name=user autocomplete=username>'
    b"</label></p><p><label>secret <input name=token type=password "
    b"autocomplete=current-password></label></p><p><button>Sign in</button></p></form>"
)


async def _send_login_page(send: Send, page: bytes = _LOGIN_PAGE) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(page)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": page})


async def _redirect_home(send: Send, extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", b"/"), (b"content-length", b"0"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class SecurityHeaders:
    """Adds the protective headers to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp, csp: str = PAGE_CSP):
        self.app, self.csp = app, csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"x-frame-options", b"content-security-policy")
                ]
                headers += [
                    (b"content-security-policy", self.csp),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class BodyLimit:
    """413 before reading a body whose Content-Length is over ``limit``; a body without one
    (chunked) is counted as it streams in and cut off at the limit."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await _send_json(send, 400, "Content-Length must be a number of bytes")
                return
            if int(length) > self.limit:
                await _send_json(
                    send,
                    413,
                    f"request bodies are limited to {self.limit} bytes",
                    [(b"connection", b"close")],
                )
                return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if started:
                raise
            await _send_json(
                send,
                413,
                f"request bodies are limited to {self.limit} bytes",
                [(b"connection", b"close")],
            )


class SameOrigin:
    """Refuses state-changing requests that a browser marks as coming from elsewhere."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()):
        self.app = app
        self.origins = {o.rstrip("/").lower() for o in origins}

    def _refusal(self, scope: Scope) -> str | None:
        site = _header(scope, b"sec-fetch-site")
        if site is not None and site.lower() not in ("same-origin", "none"):
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        origin = _header(scope, b"origin")
        if origin is None:
            return None  # not a browser's cross-origin request (curl, scripts, tests)
        origin = origin.rstrip("/").lower()
        if origin in self.origins:
            return None
        host = (_header(scope, b"host") or "").lower()
        if origin == "null" or urlsplit(origin).netloc != host:
            return f"cross-origin request refused (Origin: {origin})"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            refusal = self._refusal(scope)
            if refusal:
                await _send_json(send, 403, refusal)
                return
        await self.app(scope, receive, send)


class TokenAuth:
    """Every request needs the token (Bearer header) or the session cookie it was exchanged for."""

    def __init__(self, app: ASGIApp, config: SecurityConfig):
        self.app, self.config = app, config

    def _cookie(self, scope: Scope) -> str | None:
        raw = _header(scope, b"cookie")
        if not raw:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # noqa: BLE001 - a malformed Cookie header is just "no cookie"
            return None
        morsel = jar.get(self.config.cookie_name)
        return None if morsel is None else morsel.value

    def _user(self, scope: Scope) -> User | None:
        """The request's user: by the Bearer header or the session cookie; None: refused."""
        auth = _header(scope, b"authorization") or ""
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        team = self.config.team
        if team is not None:
            if given is not None:
                name, _, secret = given.partition(":")
                return team.check(name, secret)
            return team.session_user(self._cookie(scope))
        if given is not None and token_matches(given, self.config.token):
            return LOCAL_USER
        return LOCAL_USER if token_matches(self._cookie(scope), self.config.session) else None

    def _set_cookie(self, session: str) -> bytes:
        c = self.config
        attrs = f"{c.cookie_name}={session}; Path=/; HttpOnly; SameSite=Strict"
        return (attrs + ("; Secure" if c.secure_cookie else "")).encode()

    async def _exchange(self, query: dict[str, str], send: Send) -> None:
        """``GET /?token=...`` (on a team server ``/?user=NAME&token=SECRET``): a valid token
        becomes the cookie, and the URL loses it."""
        given, team = query["token"], self.config.team
        if team is not None:
            user = team.check(query.get("user", ""), given)
            if user is None:
                await _send_json(send, 401, "that name and secret do not match a user of this team")
                return
            await _redirect_home(send, [(b"set-cookie", self._set_cookie(team.open_session(user)))])
            return
        if not token_matches(given, self.config.token):
            await _send_json(send, 401, "the token is not valid for this dashboard")
            return
        await _redirect_home(send, [(b"set-cookie", self._set_cookie(self.config.session))])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        user = self._user(scope)
        if "token" in query:
            page = scope["path"] == "/" and scope["method"] == "GET"
            if page and user is not None and "user" not in query:  # already exchanged
                await _redirect_home(send)
            elif page:
                await self._exchange(query, send)
            else:
                await _send_json(
                    send,
                    401,
                    "a token is accepted in the URL only on first visit "
                    "to the page; send the cookie or Authorization: Bearer",
                )
            return
        if user is None:
            if scope["path"] == "/" and scope["method"] == "GET":
                team = self.config.team is not None
                await _send_login_page(send, _TEAM_LOGIN_PAGE if team else _LOGIN_PAGE)
                return
            await _send_json(
                send,
                401,
                "sign in with your name and secret on the page /, or send "
                "Authorization: Bearer NAME:SECRET"
                if self.config.team is not None
                else "a valid token is required: open the URL printed by "
                "'accord serve', or send Authorization: Bearer <token>",
                [(b"www-authenticate", b"Bearer")],
            )
            return
        scope["accord.user"] = user
        await self.app(scope, receive, send)


def install(app: Starlette, config: SecurityConfig) -> None:
    """Add every guard to ``app``; outermost first: headers, host, body size, origin, token."""
    app.add_middleware(TokenAuth, config=config)
    app.add_middleware(SameOrigin, origins=config.origins)
    app.add_middleware(BodyLimit, limit=config.max_body)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.hosts))
    app.add_middleware(SecurityHeaders)
