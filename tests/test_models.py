"""The model downloader for real, against an HTTP server on 127.0.0.1 that the test starts,
serving a model list and zips it builds: a good one, a truncated one, one with `../` paths,
one with a wrong checksum, and one whose connection breaks off."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli


def model_zip(name: str, extra: dict[str, bytes] | None = None, layout: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if layout:
            z.writestr(f"{name}/am/final.mdl", b"\0" * 1000)
            z.writestr(f"{name}/conf/model.conf", b"--sample-frequency=16000\n")
            z.writestr(f"{name}/graph/HCLr.fst", b"\0" * 500)
        for path, data in (extra or {}).items():
            z.writestr(path, data)
    return buf.getvalue()


class Server:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.broken: set[str] = set()  # paths whose connection drops halfway
        self.list: list[dict[str, object]] = []
        files, broken, listing = self.files, self.broken, self.list

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.lstrip("/")
                body = json.dumps(listing).encode() if path == "model-list.json" else files.get(path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if path in broken:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, name: str, data: bytes, size: int | None = None, md5: str | None = None) -> None:
        self.files[f"{name}.zip"] = data
        self.list.append(
            {
                "name": name,
                "lang": "en-us",
                "type": "small",
                "obsolete": "false",
                "url": f"{self.url}/{name}.zip",
                "size": len(data) if size is None else size,
                "md5": md5 or hashlib.md5(data).hexdigest(),
            }
        )


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    s = Server()
    monkeypatch.setenv("TRAINER_VOSK_URL", s.url)
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path / "models"))
    yield s
    s.httpd.shutdown()


def models_dir(tmp_path: Path) -> list[str]:
    root = tmp_path / "models"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_good_model_downloads_verifies_and_installs(server: Server, tmp_path: Path) -> None:
    server.add("vosk-model-small-en-us-0.15", model_zip("vosk-model-small-en-us-0.15"))
    proc = run_cli("models", "download")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("vosk-model-small-en-us-0.15")
    assert models_dir(tmp_path) == ["vosk-model-small-en-us-0.15"]
    listing = run_cli("models", "list")
    assert "vosk-model-small-en-us-0.15" in listing.stdout
    removed = run_cli("models", "remove", "vosk-model-small-en-us-0.15")
    assert removed.returncode == 0 and models_dir(tmp_path) == []


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("truncated", "expected"),
        ("wrong checksum", "checksum mismatch"),
        ("escaping path", "unsafe path"),
        ("not a model", "not a vosk model"),
        ("broken connection", "run"),
        ("unknown name", "no such vosk model"),
    ],
)
def test_bad_downloads_leave_nothing_behind(server: Server, tmp_path: Path, case: str, words: str) -> None:
    name = "vosk-model-en-us-0.22-lgraph"
    good = model_zip(name)
    if case == "truncated":
        server.add(name, good[: len(good) // 2], size=len(good), md5=hashlib.md5(good).hexdigest())
    elif case == "wrong checksum":
        server.add(name, good, md5="0" * 32)
    elif case == "escaping path":
        server.add(name, model_zip(name, {"../../evil.txt": b"owned"}))
    elif case == "not a model":
        server.add(name, model_zip(name, {f"{name}/README": b"hi"}, layout=False))
    elif case == "broken connection":
        server.add(name, good)
        server.broken.add(f"{name}.zip")
    proc = run_cli("models", "download", name if case != "unknown name" else "vosk-model-xx")
    assert proc.returncode == 1, proc.stdout
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert models_dir(tmp_path) == []  # no half-installed model, no temporary leftovers
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    # The same download can simply be retried once the server is right.
    server.broken.clear()
    server.list.clear()
    server.add(name, good)
    again = run_cli("models", "download", name)
    assert again.returncode == 0, again.stderr
    assert models_dir(tmp_path) == [name]


def test_no_network_says_so_and_points_to_the_embedded_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRAINER_VOSK_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path / "models"))
    proc = run_cli("models", "download")
    assert proc.returncode == 1
    assert "cannot reach" in proc.stderr and "pocketsphinx" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
