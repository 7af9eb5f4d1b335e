"""`accord serve`: the dashboard on 127.0.0.1 behind a per-server token (see docs/security.md).

Another address needs an explicit ``--token`` (or a team's ``--users`` file, whose people each
sign in with their own secret: docs/review.md); the Host names served are loopback, the bound
address and any ``--allow-host``.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import click

from ._common import console


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"


@click.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False),
    default=None,
    help="scenario folder (default: 'scenarios' in the user's data folder)",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8765, show_default=True)
@click.option(
    "--token",
    envvar="ACCORD_TOKEN",
    default=None,
    help="the access token (default: a new random one, printed with the URL); "
    "required to bind to a non-loopback address",
)
@click.option(
    "--db", default=None, metavar="URL", help="run store (default: $ACCORD_DB or the user's SQLite)"
)
@click.option(
    "--max-upload",
    type=click.IntRange(1024, 256 * 1024 * 1024),
    default=2 * 1024 * 1024,
    show_default=True,
    help="largest upload in bytes",
)
@click.option(
    "--allow-host",
    multiple=True,
    metavar="NAME",
    help="another Host name to serve (a team server's DNS name); repeatable",
)
@click.option(
    "--allow-origin",
    multiple=True,
    metavar="ORIGIN",
    help="another origin allowed to POST, e.g. https://accord.example.org behind a "
    "TLS proxy; repeatable",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="analyses run at once",
)
@click.option(
    "--max-queued",
    type=click.IntRange(0, 100),
    default=8,
    show_default=True,
    help="analyses waiting at most",
)
@click.option(
    "--job-time-limit",
    type=click.FloatRange(1, 24 * 3600),
    default=600,
    show_default=True,
    help="seconds an analysis may run",
)
@click.option(
    "--secure-cookie",
    is_flag=True,
    help="mark the session cookie Secure (when users reach it over https)",
)
@click.option(
    "--users",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="a team's users file (TOML: [[user]] name, role, secret_hash): each person signs in "
    "with their own secret and every write is attributed (docs/review.md)",
)
def serve(
    folder,
    host,
    port,
    token,
    db,
    max_upload,
    allow_host,
    allow_origin,
    workers,
    max_queued,
    job_time_limit,
    secure_cookie,
    users,
):
    """Start the web dashboard."""
    try:
        import uvicorn

        from accord.web.app import create_app
    except ImportError as exc:
        raise click.ClickException(
            f"the dashboard needs the web extra: pip install 'accord[web]' ({exc})"
        ) from None
    team = None
    if users is not None:
        from accord.web.users import load_team

        try:
            team = load_team(users)
        except (ValueError, OSError) as exc:
            raise click.BadParameter(str(exc), param_hint="--users") from None
    if not _loopback(host) and not token and team is None:
        raise click.BadParameter(
            f"binding to {host} exposes the dashboard; give --token (or $ACCORD_TOKEN)",
            param_hint="--host",
        )
    if folder is None:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("accord", appauthor=False)) / "scenarios"
    generated = not token
    token = token or secrets.token_urlsafe(32)
    app = create_app(
        folder,
        token=token,
        db=db,
        max_upload=max_upload,
        hosts=(host, *allow_host),
        origins=allow_origin,
        workers=workers,
        max_queued=max_queued,
        job_time_limit=job_time_limit,
        secure_cookie=secure_cookie,
        cookie_name=f"accord_session_{port}",
        team=team,
    )
    url = _url(host, port)
    if team is not None:
        console.print(
            f"accord team dashboard on {url} for {len(team.users)} users: each signs in with "
            "their own name and secret",
            soft_wrap=True,
        )
    elif generated:
        console.print(f"accord dashboard on {url}?token={token}", soft_wrap=True)
    else:
        console.print(
            f"accord dashboard on {url} (open {url}?token=<your token> once)", soft_wrap=True
        )
    console.print(f"scenarios in {folder}", soft_wrap=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
