"""Train the QA engine's learned message classifier (apps/qa/classifier.py) from the labelled chats.

    .venv/bin/python -m tests.qa.train_classifier            # fit on every set, write the artefact
    .venv/bin/python -m tests.qa.train_classifier --holdout  # leave-one-set-out evaluation only

Labels are per chat; the classifier reads messages. Message-level training data per rule, from the
rule's speaker (buyer for buyer_negative, the human agent for shirking and solution_offered) and
multiple-instance logic:
- every message of the speaker in a chat NOT labelled with the rule is a negative;
- in a chat labelled with the rule, the messages the lexicon engine hits are positives (seeds); a
  labelled chat without a seed contributes its best-scoring message (by a first model fitted on the
  seeds) as a positive, the others are left out (which of them carries the meaning is unknown).
Model: logistic regression (scikit-learn, balanced class weights) on binary character 1–3-grams of the
normalised message, each vector scaled to unit length, so the engine scores a message in plain
Python (bias + sum of the n-grams' weights / sqrt(number of known n-grams)) without scikit-learn.
Sets: the gold set (not for buyer_negative, whose gold labels are narrow: tests/qa/blind/REPORT.md)
and blind sets 1–3. Set 4 is never read.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROOT = Path(__file__).resolve().parent
OUT = ROOT.parent.parent / "apps" / "qa" / "data" / "message_classifier.json"
RULES = {"buyer_negative": "buyer", "shirking": "agent", "solution_offered": "agent"}
SETS = ("gold", "set1", "set2", "set3")
NO_GOLD = {"buyer_negative"}
C = 4.0
MIN_DF = 2
KEEP = 0.02  # weights below this (absolute) are dropped from the artefact
SHIPPED = ("buyer_negative", "shirking")  # the models the default pack uses (solution_offered: see REPORT.md)


def load_sets() -> dict[str, list[dict]]:
    from tests.qa import test_accuracy

    out = {"gold": test_accuracy.gold()}
    for name in ("set1", "set2", "set3"):
        out[name] = json.loads((ROOT / "blind" / name / "chats.json").read_text(encoding="utf-8"))
    return out


def _input(chat: dict, set_name: str):
    from tests.qa import test_accuracy
    from tests.qa.blind import score

    return test_accuracy.to_input(chat) if set_name == "gold" else score.to_input(chat)


def bags(card, sets: dict[str, list[dict]], rule: str, names) -> list[tuple[list[str], bool, set[int]]]:
    """Per chat: (the speaker's normalised messages, labelled?, indexes the lexicon engine hits)."""
    from apps.qa.engine.normalise import normalize

    role = RULES[rule]
    out = []
    for name in names:
        if name == "gold" and rule in NO_GOLD:
            continue
        for chat in sets[name]:
            conv = _input(chat, name)
            idx = [i for i, m in enumerate(conv.messages) if m.role == role]
            if not idx:
                continue
            texts = [normalize(conv.messages[i].content) for i in idx]
            hits = {h.message_index for h in card.score(conv).hits if h.rule == rule}
            seeds = {k for k, i in enumerate(idx) if i in hits}
            out.append((texts, rule in chat["labels"], seeds))
    return out


def fit(bag_list):
    """Two rounds: seeds against negatives, then each unseeded labelled chat's best message added."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize as l2

    def train(texts, ys):
        vec = CountVectorizer(analyzer="char", ngram_range=(1, 3), binary=True, min_df=MIN_DF, lowercase=False)
        x = l2(vec.fit_transform(texts).astype(float))
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
        model.fit(x, ys)
        return vec, model

    neg = [t for texts, labelled, _s in bag_list if not labelled for t in texts if t]
    pos = [texts[k] for texts, labelled, seeds in bag_list if labelled for k in seeds if texts[k]]
    vec, model = train(pos + neg, [1] * len(pos) + [0] * len(neg))
    for texts, labelled, seeds in bag_list:
        if labelled and not seeds and any(texts):
            probs = model.predict_proba(l2(vec.transform(texts).astype(float)))[:, 1]
            pos.append(texts[int(probs.argmax())])
    return train(pos + neg, [1] * len(pos) + [0] * len(neg))


def export(vec, model) -> dict:
    weights = {
        gram: round(float(w), 4)
        for gram, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= KEEP
    }
    return {"bias": round(float(model.intercept_[0]), 4), "weights": weights}


def chat_scores(clf, bag_list):
    return [(max((clf.probability(t) for t in texts if t), default=0.0), labelled) for texts, labelled, _s in bag_list]


def holdout(card, sets) -> None:
    """Leave one set out: fit on the others, report the classifier alone per chat on the held-out set
    (the best message's probability against the chat label) at a few cut-offs."""
    from apps.qa.classifier import MessageClassifier

    for rule in RULES:
        for held in SETS:
            if held == "gold" and rule in NO_GOLD:
                continue
            train_names = [n for n in SETS if n != held]
            vec, model = fit(bags(card, sets, rule, train_names))
            clf = MessageClassifier(rule, **export(vec, model))
            test = bags(card, sets, rule, [held])
            scored = chat_scores(clf, test)
            lexicon = [bool(seeds) for _t, _l, seeds in test]
            cells = [_cell("alone", [(p >= cut, y) for p, y in scored]) for cut in (0.5, 0.7, 0.9)]
            print(
                f"{rule:<18} held out {held:<5} model alone  "
                + "  ".join(f"@{c} {x}" for c, x in zip((0.5, 0.7, 0.9), cells, strict=True))
            )
            rows = [_cell("", [(lex, y) for lex, (_p, y) in zip(lexicon, scored, strict=True)])]
            rows += [
                _cell("", [(lex or p >= cut, y) for lex, (p, y) in zip(lexicon, scored, strict=True)]) for cut in CUTS
            ]
            print(
                f"{'':<18} held out {held:<5} lexicon {rows[0]}  "
                + "  ".join(f"+model@{c} {x}" for c, x in zip(CUTS, rows[1:], strict=True))
            )


CUTS = (0.85, 0.9, 0.95)


def _cell(_name: str, pairs: list[tuple[bool, bool]]) -> str:
    tp = sum(1 for f, y in pairs if f and y)
    fp = sum(1 for f, y in pairs if f and not y)
    fn = sum(1 for f, y in pairs if not f and y)
    return f"P {tp / (tp + fp) if tp + fp else 1:.3f} R {tp / (tp + fn) if tp + fn else 1:.3f} ({tp}/{fp}/{fn})"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from tests.qa.conftest import pack_scorecard

    card = pack_scorecard(classifier=False)
    sets = load_sets()
    if "--holdout" in argv:
        holdout(card, sets)
        return 0
    out = {"format": 1, "ngram": [1, 3], "C": C, "min_df": MIN_DF, "sets": list(SETS), "rules": {}}
    for rule in SHIPPED:
        vec, model = fit(bags(card, sets, rule, SETS))
        out["rules"][rule] = export(vec, model)
        print(rule, "n-grams kept:", len(out["rules"][rule]["weights"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", OUT, f"{OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
