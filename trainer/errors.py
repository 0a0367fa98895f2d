"""One error hierarchy; the CLI turns these into one-line messages and exit codes."""

from __future__ import annotations


class TrainerError(Exception):
    """Base of every error a user can cause or fix. `str()` is the one-line message."""

    exit_code = 1


class InputError(TrainerError):
    """Bad input from the user: a file, a flag, a value. Exit code 2."""

    exit_code = 2


class ScenarioError(InputError):
    """A scenario file that cannot be used: names the file, the key and what was expected."""

    def __init__(self, path: object, key: str | None, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


class TranscriptError(InputError):
    """A transcript file that is missing, empty or unreadable."""


class AudioError(InputError):
    """An audio file that is not audio, is empty, or cannot be read."""


class EngineError(TrainerError):
    """A recognizer that is not installed or cannot start."""


class ModelError(TrainerError):
    """A speech model that is missing, broken, or cannot be downloaded."""


class DeviceError(TrainerError):
    """No usable microphone, or PortAudio is missing."""


class StorageError(TrainerError):
    """The run database cannot be read or written."""
