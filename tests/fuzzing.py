"""Property-based fuzzing (hypothesis) of every parser the trainer has, and the one rule they
must all keep: an input is either accepted or refused with the trainer's own one-line error;
nothing else escapes. Shared by tests/test_fuzz.py (a fixed-seed share) and bench/fuzz.py
(10,000+ inputs, counted per kind)."""

from __future__ import annotations

import json
import math
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from trainer.checklist.scorer import score
from trainer.errors import TrainerError
from trainer.scenarios.file import SCHEMA, load, parse
from trainer.speech import models
from trainer.speech.audio import load_bytes
from trainer.speech.transcript import Transcript, read

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_TEXT = (ROOT / "scenarios" / "ux-designer.toml").read_text()
WORDS = SCENARIO_TEXT.replace('"', " ").split() + "um uh thank you next step gaps concerns may i call".split()

# -- WAV files -----------------------------------------------------------------------------------

FORMAT_TAGS = [1, 3, 6, 7, 0xFFFE, 0, 0x55, 0xFFFF]  # PCM, float, A-law, u-law, EXTENSIBLE, odd ones


@st.composite
def wav_files(draw: st.DrawFn) -> bytes:
    """WAV headers with drawn fields: every EXTENSIBLE sub-format, channel masks, chunk orders,
    LIST chunks, sizes that lie, truncation, and now and then no WAV at all."""
    if draw(st.booleans()):  # well formed, so that every decoding path is reached too
        tag, sub = draw(st.sampled_from([1, 3, 0xFFFE])), draw(st.sampled_from([1, 3]))
        floating = tag == 3 or (tag == 0xFFFE and sub == 3)
        bits = draw(st.sampled_from([32, 64] if floating else [8, 16, 24, 32]))
        channels = draw(st.integers(1, 8))
        rate = draw(st.sampled_from([8000, 16000, 22050, 44100, 48000]))
    else:
        tag, sub = draw(st.sampled_from(FORMAT_TAGS)), draw(st.sampled_from([1, 3, 6, 7, 2]))
        channels = draw(st.one_of(st.integers(0, 8), st.sampled_from([65, 255])))
        bits = draw(st.sampled_from([0, 8, 12, 16, 24, 32, 64]))
        rate = draw(st.one_of(st.sampled_from([0, 16000]), st.integers(0, 2**32 - 1)))
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits)
    if tag == 0xFFFE:
        valid_bits = draw(st.one_of(st.just(bits), st.integers(0, 0xFFFF)))
        mask = draw(st.integers(0, 2**32 - 1))
        fmt += struct.pack("<HHI", 22, valid_bits, mask) + struct.pack("<H", sub) + bytes(14)
    data = draw(st.binary(max_size=4000))
    honest = draw(st.booleans())
    fmt_lie = 0 if honest else draw(st.sampled_from([0, -2, 7]))
    data_lie = 0 if honest else draw(st.sampled_from([0, 1, 10**6, 2**32 - 1 - len(data)]))
    chunks = [
        b"fmt " + struct.pack("<I", max(0, len(fmt) + fmt_lie)) + fmt,
        b"data" + struct.pack("<I", (len(data) + data_lie) & 0xFFFFFFFF) + data,
        b"LIST" + struct.pack("<I", 5) + b"INFOx\0",
    ]
    if honest:  # the usual order, every chunk, a RIFF file that is whole
        return b"RIFF" + struct.pack("<I", 4 + sum(map(len, chunks))) + b"WAVE" + b"".join(chunks)
    chunks = draw(st.permutations(chunks))
    body = b"WAVE" + b"".join(chunks[: draw(st.integers(0, 3))])
    magic = draw(st.sampled_from([b"RIFF", b"RIFF", b"RIFF", b"RIFX", b"RF64", b"BW64", b"OggS"]))
    out = magic + struct.pack("<I", len(body)) + body
    cut = draw(st.one_of(st.none(), st.integers(0, len(out))))
    return out if cut is None else out[:cut]


# -- scenario TOML -------------------------------------------------------------------------------

_TOML_STR = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
_toml_scalars = st.one_of(
    _TOML_STR,
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
_toml_values = st.recursive(
    _toml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_TOML_STR, inner, max_size=4)),
    max_leaves=30,
)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


@st.composite
def scenario_structures(draw: st.DrawFn) -> str:
    """TOML documents over the scenario's own keys (and strangers), with values of any type,
    unicode, huge numbers, deep nesting."""
    keys = draw(st.lists(st.sampled_from([*SCHEMA, "weird", "candidate.extra", "job"]), unique=True, max_size=16))
    tables: dict[str, list[str]] = {}
    top: list[str] = []
    for key in keys:
        value = draw(_toml_values)
        table, _, name = key.rpartition(".")
        line = f"{json.dumps(name)} = {_toml_value(value)}"
        (tables.setdefault(table, []) if table else top).append(line)
    if draw(st.booleans()):
        top.append("deep = " + "[" * draw(st.integers(1, 400)) + "]" * draw(st.integers(0, 400)))
    return "\n".join(top + [f"[{t}]\n" + "\n".join(lines) for t, lines in tables.items()])


@st.composite
def scenario_mutations(draw: st.DrawFn) -> str:
    """The bundled scenario with lines dropped, doubled, cut into, or values swapped."""
    lines = SCENARIO_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.integers(0, 4))
        k = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == 0 and lines:
            del lines[k]
        elif op == 1 and lines:
            lines.insert(k, lines[draw(st.integers(0, len(lines) - 1))])
        elif op == 2 and lines:
            s = lines[k]
            i = draw(st.integers(0, len(s)))
            junk = draw(
                st.one_of(st.sampled_from(['"', "[", "]", "=", "\\", "\n", "\u202e", "x" * 5000, "1e999"]), _TOML_STR)
            )
            lines[k] = s[:i] + junk + s[i:]
        elif op == 3:
            number = draw(st.integers(-(10**30), 10**30))
            lines = [ln.replace("min_skills = 3", f"min_skills = {number}") for ln in lines]
        else:
            lines.insert(k, draw(st.text(max_size=60)))
    return "\n".join(lines)


scenarios = st.one_of(scenario_structures(), scenario_mutations())

# -- transcripts ---------------------------------------------------------------------------------

_numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20))
_words = st.fixed_dictionaries(
    {"word": st.one_of(st.sampled_from(WORDS), st.text(max_size=10), st.integers())},
    optional={"start": st.one_of(_numbers, st.text(max_size=3)), "end": _numbers, "confidence": _numbers},
)
_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    """Text, or JSON with words and timings: wrong types, NaN, negative, reversed, unsorted."""
    if draw(st.booleans()):
        pieces = st.lists(st.sampled_from([*WORDS, "{", "}", "\n", "?", ".", "é"]), max_size=60)
        return " ".join(draw(pieces))
    doc: dict[str, Any] = {
        "text": draw(st.one_of(st.just(" ".join(WORDS[:30])), _json_values)),
        "words": draw(st.one_of(st.lists(_words, max_size=8), _json_values)),
    }
    for key in draw(st.lists(st.sampled_from(["engine", "duration", "transcript"]), unique=True)):
        doc[key] = draw(_json_values)
    return json.dumps(doc) if draw(st.integers(0, 9)) else json.dumps(doc)[: draw(st.integers(0, 50))]


# -- model folders and the scorer ----------------------------------------------------------------

MODEL_FILES = ["am", "conf", "graph", "model.bin", "config.json", "tokenizer.json", "vocabulary.txt", "HCLG.fst"]
model_folders = st.dictionaries(
    st.sampled_from(MODEL_FILES), st.one_of(st.none(), st.binary(max_size=100)), max_size=6
)  # None: a folder where a file should be


@st.composite
def closes(draw: st.DrawFn) -> str:
    n = draw(st.sampled_from([0, 1, 5, 50, 300]))
    token = st.one_of(st.sampled_from([*WORDS, "?", ".", "um"]), st.text(min_size=1, max_size=8))
    return " ".join(draw(st.lists(token, min_size=n, max_size=n)))


# -- the checks: accepted, or refused with the trainer's own error -------------------------------


def check_wav(data: bytes) -> str:
    try:
        load_bytes(data, "fuzz.wav")
        return "accepted"
    except TrainerError:
        return "refused"


def check_scenario(text: str) -> str:
    try:
        parse(Path("fuzz.toml"), text)
        return "accepted"
    except TrainerError:
        return "refused"


def check_transcript(text: str) -> str:
    try:
        read("-", stdin_text=text)
        return "accepted"
    except TrainerError:
        return "refused"


def check_model_folder(files: dict[str, bytes | None]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            if content is None:
                (folder / name).mkdir()
            else:
                (folder / name).write_bytes(content)
        problems = [models.folder_problem(folder, kind, "model", "fix") for kind in ("vosk", "whisper")]
    return "accepted" if any(p is None for p in problems) else "refused"


_SCENARIO = None


def check_scorer(text: str, semantic: bool = False) -> str:
    global _SCENARIO
    _SCENARIO = _SCENARIO or load("ux-designer")
    result = score(_SCENARIO, Transcript(text), semantic=semantic)
    if not 0 <= result.total <= 100:
        raise AssertionError(f"total {result.total} out of range for {text[:80]!r}")
    return "scored"


@dataclass(frozen=True)
class Kind:
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], str]


KINDS: dict[str, Kind] = {
    "wav": Kind(wav_files(), check_wav),
    "scenario": Kind(scenarios, check_scenario),
    "transcript": Kind(transcripts(), check_transcript),
    "model folder": Kind(model_folders, check_model_folder),
    "scorer": Kind(closes(), check_scorer),
}
