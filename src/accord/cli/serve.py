"""`accord serve`: the dashboard on 127.0.0.1 behind a per-server token (see docs/security.md).

Another address needs an explicit ``--token``; the Host names served are loopback, the bound
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
):
    """Start the web dashboard."""
    try:
        import uvicorn

        from accord.web.app import create_app
    except ImportError as exc:
        raise click.ClickException(
            f"the dashboard needs the web extra: pip install 'accord[web]' ({exc})"
        ) from None
    if not _loopback(host) and not token:
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
    )
    url = _url(host, port)
    if generated:
        console.print(f"accord dashboard on {url}?token={token}", soft_wrap=True)
    else:
        console.print(
            f"accord dashboard on {url} (open {url}?token=<your token> once)", soft_wrap=True
        )
    console.print(f"scenarios in {folder}", soft_wrap=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
