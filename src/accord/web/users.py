"""The people of a team server: names, roles and secrets, read from a small TOML file.

A team runs ``accord serve --users team.toml``; each person signs in with their own name and
secret, so every write is attributed to them. The file lists one table per person::

    [[user]]
    name = "ana"
    role = "analyst"                       # analyst, reviewer or admin
    secret_hash = "scrypt$16384$8$1$<salt hex>$<hash hex>"   # from hash_secret()

    [[user]]
    name = "rob"
    role = "reviewer"
    secret = "a long random phrase"        # a plain secret works too (keep the file private)

Secrets are hashed with scrypt ([RFC7914]) and compared in constant time
(``hmac.compare_digest``). Without a users file the dashboard has one user, ``local``, with
every right: a single analyst on a laptop needs none of this.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "LOCAL_USER",
    "RIGHTS",
    "ROLES",
    "Team",
    "User",
    "hash_secret",
    "load_team",
    "verify_secret",
]

Role = Literal["analyst", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("analyst", "reviewer", "admin")
#: what each role may do: ``edit`` a scenario (save, save as, restore, upload, adopt a panel),
#: ``comment`` (post a comment or propose a value), ``review`` (agree, object, give one's own
#: value and range), ``resolve`` a thread, ``sign_off`` a scenario version
RIGHTS: dict[str, frozenset[str]] = {
    "analyst": frozenset({"edit", "comment"}),
    "reviewer": frozenset({"comment", "review", "resolve", "sign_off"}),
    "admin": frozenset({"edit", "comment", "review", "resolve", "sign_off"}),
}
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
#: scrypt's cost parameters (n, r, p): 16 MiB of memory per check, RFC 7914's interactive setting
SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 8, 1
MIN_SECRET = 8
#: sessions kept at once (each sign-in opens one; they last until the server restarts)
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    secret_hash: str = field(default="", repr=False)

    def may(self, right: str) -> bool:
        return right in RIGHTS[self.role]


#: the one user of a dashboard without a users file
LOCAL_USER = User("local", "admin")


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` of ``secret`` (hex), to keep in the users file."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` hashes to ``stored`` (constant-time comparison of the digests)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            secret.encode("utf-8", "replace"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got.hex(), digest)


class Team:
    """The users of a team server, and who holds which session."""

    def __init__(self, users: list[User]):
        self.users = {u.name: u for u in users}
        self._sessions: dict[str, str] = {}  # session cookie value -> user name
        self._checked: dict[tuple[str, str], bool] = {}  # (name, sha256 of secret) -> verdict
        self._lock = threading.Lock()

    def check(self, name: str, secret: str) -> User | None:
        """The user ``name`` if ``secret`` is theirs (verdicts are remembered: scrypt is slow)."""
        user = self.users.get(name)
        if user is None or not secret:
            return None
        key = (name, hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest())
        with self._lock:
            known = self._checked.get(key)
        if known is None:
            known = verify_secret(secret, user.secret_hash)
            with self._lock:
                if len(self._checked) > 1024:
                    self._checked.clear()
                self._checked[key] = known
        return user if known else None

    def open_session(self, user: User) -> str:
        session = secrets.token_urlsafe(32)
        with self._lock:
            while len(self._sessions) >= MAX_SESSIONS:  # the oldest sign-in goes first
                del self._sessions[next(iter(self._sessions))]
            self._sessions[session] = user.name
        return session

    def session_user(self, session: str | None) -> User | None:
        if not session:
            return None
        with self._lock:
            name = self._sessions.get(session)
        return None if name is None else self.users.get(name)


def _user(entry: object, where: str) -> User:
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be a table with name, role and secret")
    name, role = entry.get("name"), entry.get("role")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ValueError(f"{where}.name must match {NAME_RE.pattern}, got {name!r}")
    if role not in ROLES:
        raise ValueError(f"{where}.role must be one of {', '.join(ROLES)}, got {role!r}")
    stored, plain = entry.get("secret_hash"), entry.get("secret")
    if isinstance(stored, str) and stored.startswith("scrypt$"):
        return User(name, role, stored)
    if isinstance(plain, str) and len(plain) >= MIN_SECRET:
        return User(name, role, hash_secret(plain))
    raise ValueError(
        f"{where} needs secret_hash (from accord.web.users.hash_secret) or a secret of at "
        f"least {MIN_SECRET} characters"
    )


def load_team(path: str | Path) -> Team:
    """The team in a users file; ValueError names the entry that is wrong and why."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("user")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: list each person as a [[user]] table")
    users = [_user(e, f"{path}: user[{i}]") for i, e in enumerate(entries)]
    names = [u.name for u in users]
    if len(set(names)) < len(names):
        raise ValueError(f"{path}: each user name must be unique, got {names}")
    return Team(users)


if __name__ == "__main__":  # pragma: no cover - `python -m accord.web.users`: hash a secret
    import getpass

    print(hash_secret(getpass.getpass("secret: ")))
