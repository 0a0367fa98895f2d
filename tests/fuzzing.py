"""Generated inputs for every parser the trainer has, and the one rule they must all keep: an
input is either accepted or refused with the trainer's own one-line error; nothing else escapes.
Shared by tests/test_fuzz.py (a fixed-seed share) and bench/fuzz.py (10,000+ inputs)."""

from __future__ import annotations

import json
import random
import struct
from collections.abc import Callable
from pathlib import Path

from trainer.checklist.scorer import score
from trainer.errors import TrainerError
from trainer.scenarios.file import load, parse
from trainer.speech import models
from trainer.speech.audio import load_bytes
from trainer.speech.transcript import Transcript, read

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_TEXT = (ROOT / "scenarios" / "ux-designer.toml").read_text()
WORDS = SCENARIO_TEXT.replace('"', " ").split() + "um uh thank you next step gaps concerns may i call".split()


def _wav(rng: random.Random) -> bytes:
    """A plausible WAV header with random fields, sizes, chunk orders and extras."""
    if rng.random() < 0.6:  # a well-formed format, so that the decoding paths are reached too
        tag, sub = rng.choice([1, 3, 0xFFFE]), rng.choice([1, 3])
        floating = tag == 3 or (tag == 0xFFFE and sub == 3)
        bits = rng.choice([32, 64] if floating else [8, 16, 24, 32])
        channels, rate = rng.randrange(1, 9), rng.choice([8000, 16000, 22050, 44100, 48000])
    else:
        channels = rng.choice([0, 1, 2, 6, 65, 255])
        bits = rng.choice([0, 8, 12, 16, 24, 32, 64])
        tag, sub = rng.choice([1, 3, 6, 7, 0xFFFE, 0, 0x55, 0xFFFF]), rng.choice([1, 3, 7, 2])
        rate = rng.choice([0, 8000, 16000, 44100, 2**31 - 1])
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits)
    if tag == 0xFFFE:
        fmt += struct.pack("<HHI", 22, bits, rng.getrandbits(32)) + struct.pack("<H", sub) + bytes(14)
    data = rng.randbytes(rng.randrange(0, 4000))
    chunks = [
        b"fmt " + struct.pack("<I", len(fmt) + rng.choice([0, 0, 0, 0, -2, 7])) + fmt,
        b"data" + struct.pack("<I", (len(data) + rng.choice([0, 0, 1, 10**6])) & 0xFFFFFFFF) + data,
        b"LIST" + struct.pack("<I", 5) + b"INFOx\0",
    ]
    rng.shuffle(chunks)
    if rng.random() < 0.6:
        chunks.sort(key=lambda c: c[:4] != b"fmt ")  # the usual order, all of them
    body = b"WAVE" + b"".join(chunks[: rng.choice([0, 1, 2, 3, 3, 3, 3])])
    out = (
        rng.choice([b"RIFF", b"RIFF", b"RIFF", b"RIFF", b"RIFX", b"RF64", b"OggS"])
        + struct.pack("<I", len(body))
        + body
    )
    if rng.random() < 0.15:
        out = out[: rng.randrange(0, len(out) + 1)]  # truncated
    if rng.random() < 0.05:
        out = rng.randbytes(rng.randrange(0, 200))
    return out


def _mutate_text(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    for _ in range(rng.randrange(1, 6)):
        op = rng.randrange(6)
        k = rng.randrange(len(lines)) if lines else 0
        if op == 0 and lines:
            del lines[k]
        elif op == 1 and lines:
            lines.insert(k, lines[rng.randrange(len(lines))])
        elif op == 2 and lines:
            s = lines[k]
            i = rng.randrange(len(s) + 1)
            lines[k] = s[:i] + rng.choice(['"', "[", "]", "=", "\\", "\n", "\u202e", "x" * 5000, "{", "1e999"]) + s[i:]
        elif op == 3:
            lines.insert(
                k,
                f"{rng.choice(['title', 'candidate.skills', 'weird', '[job]'])} = {rng.choice(['1', '[]', '{}', '[[1]]', 'nan', '[' * 50 + ']' * 50, json.dumps('é' * 100)])}",
            )
        elif op == 4:
            lines = [ln.replace("min_skills = 3", f"min_skills = {rng.choice([-1, 0, 99, 10**30])}") for ln in lines]
        else:
            lines.append("".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 50))))
    return "\n".join(lines)


def _json_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 1.5, float("nan"), float("inf"), -1e308, 10**20])
    if kind == 2:
        return "".join(rng.choice(WORDS) + " " for _ in range(rng.randrange(0, 10)))
    if kind == 3:
        return {"word": rng.choice(WORDS), "start": rng.uniform(-1, 5), "end": rng.uniform(-1, 5)}
    if kind == 4:
        return rng.choice(["", "\x00", "\ud800"[:0] + "\u2028"])
    if kind == 5:
        return [_json_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    return {
        rng.choice(["text", "words", "engine", "duration", "transcript", "x"]): _json_value(rng, depth + 1)
        for _ in range(rng.randrange(0, 5))
    }


def _transcript(rng: random.Random) -> str:
    if rng.random() < 0.5:
        doc = {
            "text": _json_value(rng) if rng.random() < 0.3 else " ".join(rng.choices(WORDS, k=20)),
            "words": _json_value(rng),
        }
        if rng.random() < 0.5:
            doc["words"] = [_json_value(rng) for _ in range(rng.randrange(0, 6))]
        return json.dumps(doc)
    return "".join(rng.choice([*WORDS, "{", "}", "\n", "?", ".", "\u00e9"]) + " " for _ in range(rng.randrange(0, 60)))


def check_wav(rng: random.Random) -> str:
    try:
        load_bytes(_wav(rng), "fuzz.wav")
        return "accepted"
    except TrainerError:
        return "refused"


def check_scenario(rng: random.Random) -> str:
    try:
        parse(Path("fuzz.toml"), _mutate_text(rng, SCENARIO_TEXT))
        return "accepted"
    except TrainerError:
        return "refused"


def check_transcript(rng: random.Random) -> str:
    try:
        read("-", stdin_text=_transcript(rng))
        return "accepted"
    except TrainerError:
        return "refused"


def check_model_folder(rng: random.Random, tmp: Path) -> str:
    folder = tmp / f"m{rng.getrandbits(32)}"
    folder.mkdir()
    for name in rng.sample(
        ["am", "conf", "graph", "model.bin", "config.json", "tokenizer.json", "vocabulary.txt", "HCLG.fst"],
        rng.randrange(0, 6),
    ):
        p = folder / name
        if rng.random() < 0.5:
            p.mkdir()
        else:
            p.write_bytes(rng.randbytes(rng.randrange(0, 100)))
    problems = [models.folder_problem(folder, kind, "model", "fix") for kind in ("vosk", "whisper")]
    return "accepted" if any(p is None for p in problems) else "refused"


_SCENARIO = None


def check_scorer(rng: random.Random, semantic: bool = False) -> str:
    global _SCENARIO
    _SCENARIO = _SCENARIO or load("ux-designer")
    n = rng.choice([0, 1, 5, 50, 300])
    noise = ["".join(chr(rng.randrange(33, 0x2FFF)) for _ in range(rng.randrange(1, 8))) for _ in range(5)]
    text = " ".join(rng.choice([*WORDS, *noise, "?", ".", "um"]) for _ in range(n))
    result = score(_SCENARIO, Transcript(text), semantic=semantic)
    if not 0 <= result.total <= 100:
        raise AssertionError(f"total {result.total} out of range for {text[:80]!r}")
    return "scored"


KINDS: dict[str, Callable[..., str]] = {
    "wav": check_wav,
    "scenario": check_scenario,
    "transcript": check_transcript,
    "model folder": check_model_folder,
    "scorer": check_scorer,
}
