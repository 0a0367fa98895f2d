"""Regression guard: the scorer keeps the accuracy it reached on the labelled dev corpus.

A guard, not a tuning loop: the thresholds sit just under the measured numbers
(bench/accuracy.py prints them), so a change that loses accuracy fails here.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from tests.conftest import CORPUS, ROOT

MACRO_F1_FLOOR = 0.97  # measured 0.984
ITEM_F1_FLOOR = 0.90


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_corpus_accuracy_does_not_regress() -> None:
    if not (CORPUS / "closes-dev.jsonl").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CORPUS} is missing: CI must have the shared corpus beside the checkout")
        pytest.skip("the shared corpus is not beside this checkout")
    result = _bench().evaluate(CORPUS)
    f1 = {item: prf[2] for item, prf in result["trainer"].items()}
    macro = sum(f1.values()) / len(f1)
    baseline = sum(v[2] for v in result["baseline"].values()) / len(f1)
    assert macro >= MACRO_F1_FLOOR, f1
    assert all(v >= ITEM_F1_FLOOR for v in f1.values()), f1
    assert macro > baseline + 0.3
