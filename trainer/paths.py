"""Where the trainer keeps things: user data, scenarios, speech models.

`TRAINER_HOME` moves the whole user data folder (tests point it at a temp dir);
`TRAINER_MODELS` moves the model folder alone.
"""

from __future__ import annotations

import os
from pathlib import Path

# The user data folder holds recordings of the user's voice: only its owner may read it, even on
# a shared computer. Folders are 0700 and files 0600, created that way (no moment when they are
# wider) and narrowed on open when an older trainer left them wider.
DIR_MODE = 0o700
FILE_MODE = 0o600

_PACKAGE = Path(__file__).resolve().parent
# In a source checkout the package sits beside `scenarios/` and `models/`.
_CHECKOUT = _PACKAGE.parent if (_PACKAGE.parent / "pyproject.toml").is_file() else None


def user_dir() -> Path:
    env = os.environ.get("TRAINER_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("trainer", appauthor=False))


def user_scenarios_dir() -> Path:
    return user_dir() / "scenarios"


def bundled_scenarios_dir() -> Path:
    if _CHECKOUT is not None:
        return _CHECKOUT / "scenarios"
    return _PACKAGE / "_scenarios"  # where the wheel build puts them


def models_dir() -> Path:
    env = os.environ.get("TRAINER_MODELS")
    if env:
        return Path(env).expanduser()
    if _CHECKOUT is not None:
        return _CHECKOUT / "models"
    return user_dir() / "models"


def database_path() -> Path:
    return user_dir() / "runs.sqlite3"


def recordings_dir() -> Path:
    return user_dir() / "recordings"


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents inside the user folder) readable by the owner only."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists and is readable by its owner only; creating it that way if new."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    if path.stat().st_mode & 0o077:
        path.chmod(FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to a new owner-only file (0600 from the first byte)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if path.stat().st_mode & 0o077:
        path.chmod(FILE_MODE)
    return path
