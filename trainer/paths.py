"""Where the trainer keeps things: user data, scenarios, speech models.

`TRAINER_HOME` moves the whole user data folder (tests point it at a temp dir);
`TRAINER_MODELS` moves the model folder alone.
"""

from __future__ import annotations

import os
from pathlib import Path

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
