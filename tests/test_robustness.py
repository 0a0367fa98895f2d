"""Files from everywhere, shared computers: WAV variants, size caps, bad timings, short
recordings, file modes and deletion for good. Each WAV is built byte by byte here, as recorders,
Audacity, sox and Windows write them."""

from __future__ import annotations

import json
import math
import stat
import struct
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, run_cli
from trainer import paths
from trainer.errors import AudioError
from trainer.history.store import Recording, RunRecord, Store
from trainer.speech.audio import load_bytes

RATE = 22050
TONE = np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE) * 0.5  # 0.5 s


def _samples(x: np.ndarray, bits: int, floating: bool) -> bytes:
    if floating:
        return x.astype("<f4" if bits == 32 else "<f8").tobytes()
    if bits == 8:
        return (np.round(x * 127) + 128).astype(np.uint8).tobytes()
    if bits == 24:
        v = np.round(x * (2**23 - 1)).astype("<i4").tobytes()
        return b"".join(v[i : i + 3] for i in range(0, len(v), 4))
    return np.round(x * (2 ** (bits - 1) - 1)).astype(f"<i{bits // 8}").tobytes()


def wav(
    bits: int = 16,
    channels: int = 1,
    floating: bool = False,
    extensible: bool = False,
    tag: int | None = None,
    order: str = "fmt,data",
    lie: int = 0,
    magic: bytes = b"RIFF",
) -> bytes:
    frames = np.repeat(TONE[:, None], channels, axis=1).reshape(-1)
    data = _samples(frames, bits, floating)
    code = tag if tag is not None else (3 if floating else 1)
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else code, channels, RATE, RATE * block, block, bits)
    if extensible:  # cbSize, valid bits, channel mask, sub-format GUID (its first two bytes: the format)
        fmt += struct.pack("<HHI", 22, bits, (1 << channels) - 1) + struct.pack("<H", code) + bytes(14)
    parts = {
        "fmt": b"fmt " + struct.pack("<I", len(fmt)) + fmt,
        "data": b"data" + struct.pack("<I", len(data) + lie) + data + (b"\0" if len(data) % 2 else b""),
        "list": b"LIST" + struct.pack("<I", 9) + b"INFOISFT\x01\0",  # odd size, padded
    }
    body = b"WAVE" + b"".join(parts[p] for p in order.split(","))
    return magic + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bits": 8},
        {"bits": 16, "channels": 2},
        {"bits": 24, "channels": 6, "extensible": True},
        {"bits": 16, "channels": 2, "extensible": True},
        {"bits": 32, "channels": 1, "extensible": True},
        {"bits": 32, "channels": 2, "floating": True},
        {"bits": 32, "channels": 4, "floating": True, "extensible": True},
        {"bits": 64, "channels": 1, "floating": True},
        {"order": "list,data,fmt"},
        {"order": "fmt,list,data", "lie": 1_000_000},  # a data size that runs past the end of the file
    ],
)
def test_wav_variants_read_as_the_same_tone(kwargs: dict[str, object]) -> None:
    audio = load_bytes(wav(**kwargs), "x.wav")  # type: ignore[arg-type]
    assert abs(audio.duration - 0.5) < 0.01
    x = audio.samples.astype(np.float64) / 32768
    rms = math.sqrt(float(np.mean(x[800:-800] ** 2)))
    assert abs(rms - 0.5 / math.sqrt(2)) < 0.02, kwargs


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (wav(magic=b"RIFX"), "big-endian (RIFX) WAV files are not supported"),
        (wav(magic=b"RF64"), "RF64 WAV files are not supported"),
        (wav(bits=8, tag=7), "u-law WAV audio is not supported"),
        (wav(bits=8, tag=7, extensible=True), "u-law WAV audio is not supported"),
        (wav(bits=12), "12-bit PCM samples are not supported"),
        (wav(order="fmt"), "has no audio data"),
        (wav(order="data"), "has no format chunk"),
        (wav()[:30], "format chunk is cut short"),
        (b"ID3\x03" + bytes(100), "not a WAV file"),
    ],
)
def test_wav_refusals_name_the_file_and_the_fix(data: bytes, message: str) -> None:
    with pytest.raises(AudioError) as err:
        load_bytes(data, "rec.wav")
    text = str(err.value)
    assert text.startswith("rec.wav: ") and message in text and "\n" not in text
    if "supported" in message or "not a WAV" in message:
        assert "ffmpeg" in text


def test_refused_wav_at_the_command_line_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "phone.wav"
    bad.write_bytes(wav(magic=b"RIFX"))
    proc = run_cli("transcribe", str(bad), "--engine", "pocketsphinx")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "phone.wav" in proc.stderr


@pytest.mark.parametrize("seconds", [0.0005, 0.05])
def test_a_press_and_release_recording_is_transcribed_as_nothing(tmp_path: Path, seconds: float) -> None:
    short = tmp_path / "click.wav"
    noise = np.random.default_rng(0).normal(0, 0.1, max(1, int(RATE * seconds)))
    short.write_bytes(_tiny(noise))
    proc = run_cli("transcribe", str(short), "--engine", "pocketsphinx", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["text"] == ""


def _tiny(x: np.ndarray) -> bytes:
    data = _samples(x, 16, False)
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_oversized_inputs_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "huge.toml"
    big.write_text('title = "' + "x" * 400_000 + '"\n')
    proc = run_cli("scenarios", "check", str(big))
    assert proc.returncode == 2 and "huge.toml" in proc.stderr and "at most" in proc.stderr
    text = tmp_path / "book.txt"
    text.write_text("word " * 600_000)
    proc = run_cli("score", "-s", "ux-designer", "-t", str(text))
    assert proc.returncode == 2 and "book.txt" in proc.stderr and "at most" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "words",
    [
        [{"word": "hi", "start": float("nan"), "end": 1.0}],
        [{"word": "hi", "start": -1.0, "end": 1.0}],
        [{"word": "hi", "start": 2.0, "end": 1.0}],
        [{"word": "a", "start": 2.0, "end": 2.5}, {"word": "b", "start": 1.0, "end": 1.5}],
        [{"word": "hi", "start": "soon", "end": 1.0}],
        "not a list",
    ],
)
def test_transcript_json_with_bad_timings_is_refused(tmp_path: Path, words: object) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"text": "hi there", "words": words}))  # NaN is written as JSON's NaN
    proc = run_cli("score", "-s", "ux-designer", "-t", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "t.json: words:" in proc.stderr and "Traceback" not in proc.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_folder_and_database_are_private_and_fixed_when_wider(trainer_home: Path) -> None:
    proc = run_cli("score", "-s", "ux-designer", "-t", str(ROOT / "scenarios" / "examples" / "ux-designer-close.txt"))
    assert proc.returncode == 0, proc.stderr
    db = paths.database_path()
    assert _mode(trainer_home) == 0o700
    assert _mode(db) == 0o600
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if extra.exists():
            assert _mode(extra) == 0o600
    # An older trainer left them wide open: the next run narrows them.
    trainer_home.chmod(0o755)
    db.chmod(0o644)
    assert run_cli("history").returncode == 0
    assert _mode(trainer_home) == 0o700 and _mode(db) == 0o600


def test_private_files_are_never_wider_than_0600(tmp_path: Path) -> None:
    target = paths.write_private(tmp_path / "sub" / "fallback.json", b"{}")
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700


def test_deleted_recordings_leave_no_trace_in_the_database_files(trainer_home: Path) -> None:
    marker = b"VOICE-OF-THE-USER-" * 2000  # 36 KB that must not survive the delete
    store = Store()
    run = RunRecord(
        kind="score",
        scenario="ux-designer",
        scenario_title="UX",
        total=50,
        items=[],
        transcript={"text": "hi", "words": []},
        recordings=[Recording(0, 0.0, marker)],
    )
    run_id = store.save(run)
    store.delete(run_id)
    store.close()
    db = paths.database_path()
    for f in (db, db.with_name(db.name + "-wal")):
        if f.exists():
            assert b"VOICE-OF-THE-USER-" not in f.read_bytes(), f


def test_hostile_text_in_scenarios_and_transcripts_stays_inert_in_the_html_report(tmp_path: Path) -> None:
    src = (ROOT / "scenarios" / "ux-designer.toml").read_text()
    title = next(line for line in src.splitlines() if line.startswith("title = "))
    scenario = tmp_path / "evil.toml"
    scenario.write_text(src.replace(title, 'title = "<script>alert(1)</script> designer"', 1))
    close = tmp_path / "close.txt"
    close.write_text('Thank you for your time. <img src=x onerror="alert(2)"> What is the next step? </textarea>')
    assert run_cli("score", "-s", str(scenario), "-t", str(close)).returncode == 0
    out = tmp_path / "run.html"
    proc = run_cli("report", "1", "--html", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "</textarea>" not in page
    assert "&lt;script&gt;alert(1)" in page or "&lt;script&gt;" in page
