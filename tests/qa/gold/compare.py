"""Compare hand labels with what the engine fires, chat by chat.

    .venv/bin/python -m tests.qa.gold.compare tests/qa/gold/handwritten_a.json [--all]

Prints every chat whose labels differ from the engine's fired rules (rules of severity "info" are
not labels), then per-rule tp/fp/fn for the file. A difference is a question, not an answer: the
label was written from the rule definitions first; decide who is right before changing either.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from tests.qa.conftest import pack_scorecard
    from tests.qa.test_accuracy import to_input

    pack = pack_scorecard()
    shown = {c.spec.code for c in pack.compiled if c.spec.severity != "info"}
    paths = [a for a in argv if not a.startswith("--")]
    show_all = "--all" in argv
    tp, fp, fn = Counter(), Counter(), Counter()
    differing = 0
    for path in paths:
        for conv in json.loads(Path(path).read_text(encoding="utf-8")):
            unknown = set(conv["labels"]) - shown
            if unknown:
                print(f"{conv['id']}: unknown label(s) {sorted(unknown)}")
            result = pack.score(to_input(conv))
            fired = {h.rule for h in result.hits} & shown
            truth = set(conv["labels"])
            for code in fired & truth:
                tp[code] += 1
            for code in fired - truth:
                fp[code] += 1
            for code in truth - fired:
                fn[code] += 1
            if fired != truth or show_all:
                differing += fired != truth
                print(f"{conv['id']}: engine extra {sorted(fired - truth)} missing {sorted(truth - fired)}")
                for i, m in enumerate(conv["messages"]):
                    print(f"    {i:>2} {m['role']:<6} t={m['t']:<5} {m['text']}")
                for h in result.hits:
                    if h.rule in fired ^ truth:
                        print(f"    hit {h.rule} msg {h.message_index}: {h.excerpt}")
    print(f"\n{differing} chat(s) differ")
    for code in sorted(set(tp) | set(fp) | set(fn)):
        print(f"{code:<24} tp {tp[code]:>3} fp {fp[code]:>3} fn {fn[code]:>3}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    raise SystemExit(main(sys.argv[1:]))
