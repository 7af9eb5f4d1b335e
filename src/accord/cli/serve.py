"""`accord serve`: the dashboard on 127.0.0.1 (another address needs a token)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from . import cli
from ._common import console


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--folder", type=click.Path(file_okay=False), default=None,
              help="scenario folder (default: 'scenarios' in the user's data folder)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--token", envvar="ACCORD_TOKEN", default=None, help="required to bind to a non-loopback address")
@click.option("--db", default=None, metavar="URL", help="run store (default: $ACCORD_DB or the user's SQLite)")
@click.option("--max-upload", type=int, default=2 * 1024 * 1024, show_default=True, help="largest upload in bytes")
def serve(folder, host, port, token, db, max_upload):
    """Start the web dashboard."""
    try:
        import uvicorn

        from accord.web.app import create_app
    except ImportError as exc:
        raise click.ClickException(f"the dashboard needs the web extra: pip install 'accord[web]' ({exc})") from None
    if not _loopback(host) and not token:
        raise click.BadParameter(f"binding to {host} exposes the dashboard; give --token (or $ACCORD_TOKEN)",
                                 param_hint="--host")
    if folder is None:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("accord", appauthor=False)) / "scenarios"
    app = create_app(folder, token=token, db=db, max_upload=max_upload)
    console.print(f"accord dashboard on http://{host}:{port}/ (scenarios in {folder})")
    uvicorn.run(app, host=host, port=port, log_level="warning")
