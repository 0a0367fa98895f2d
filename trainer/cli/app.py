"""`trainer app`: the trainer as a local web page."""

from __future__ import annotations

import errno
import secrets
import signal
import socket
import threading
import webbrowser

import click

from trainer.cli.common import err
from trainer.errors import DeviceError

DEFAULT_PORT = 8765


def _bind(port: int) -> socket.socket:
    """The loopback socket; the default port falls back to a free one when taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        if port != DEFAULT_PORT:
            sock.close()
            raise DeviceError(
                f"--port {port}: already in use; pick another port, or --port 0 for any free one"
            ) from None
        sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@click.command("app")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@click.option("--no-browser", is_flag=True, help="Print the address without opening a browser.")
def app_command(port: int, no_browser: bool) -> None:
    """Open the trainer in your browser: a local page, served from this machine only."""
    import uvicorn

    from trainer.web.app import guarded_app

    secret = secrets.token_urlsafe(24)
    sock = _bind(port)
    address = f"http://127.0.0.1:{sock.getsockname()[1]}/?token={secret}"
    server = uvicorn.Server(
        uvicorn.Config(guarded_app(secret), log_level="warning", lifespan="on", ws="websockets-sansio")
    )
    signal.signal(signal.SIGHUP, lambda signum, frame: server.handle_exit(signum, frame))  # a closed terminal
    click.echo(f"The trainer is open at {address}")
    err.print(
        "Only this machine can reach it. Ctrl-C stops it (a session in progress is scored and saved).", style="dim"
    )
    if not no_browser:
        threading.Thread(target=webbrowser.open, args=(address,), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled, once everything is saved
        pass
    err.print("Stopped.", style="dim")
