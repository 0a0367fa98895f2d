"""`objection_handled` on answers to objections of roles the model was not fitted on.

    python bench/objection.py

The 144 labelled answers in ../shared/corpus/objections (nine roles): for each role, the model is
fitted on the other eight roles' answers and scores that role's; precision, recall and F1 over
all answers, beside the wording rule (the judge without its model) on the same answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.checklist.fit_objection import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main([str(ROOT.parent / "shared" / "corpus"), "--measure-only"]))
