"""QA test fixtures, and the accuracy table printed at the end of the run (whatever -s says)."""

from __future__ import annotations

import json

import pytest

from apps.qa import engine
from apps.qa.services import load_pack

ACCURACY_REPORT: list[str] = []


def pack_scorecard(*, classifier: bool = True) -> engine.CompiledScorecard:
    """The default pack compiled; classifier=False: without the learned message models (the lexicon
    and example sentences alone, as tests/qa/train_classifier.py seeds its training data)."""
    pack = load_pack()
    if not classifier:
        for r in pack["rules"]:
            similar = r["params"].get("similar")
            if similar:
                similar.pop("model", None)
                similar.pop("model_threshold", None)
    items = tuple(
        engine.ItemSpec(code=i["code"], name=i["name"], weight=i["weight"], critical=i["critical"], bonus=i["bonus"])
        for i in pack["items"]
    )
    rules = tuple(
        engine.RuleSpec(
            code=r["code"],
            name=r["name"],
            type=r["type"],
            params=json.loads(json.dumps(r["params"])),
            severity=r["severity"],
            score_change=r["score_change"],
            role=r["role"],
            item=r["item"],
            bot_applicable=r.get("bot_applicable", False),
        )
        for r in pack["rules"]
    )
    return engine.compile_scorecard(engine.ScorecardSpec(rules=rules, items=items, pass_mark=pack["pass_mark"]))


@pytest.fixture(scope="session")
def pack():
    return pack_scorecard()


def pytest_sessionfinish(session, exitstatus):
    """Under xdist a worker hands its table to the controller, which prints it."""
    if hasattr(session.config, "workeroutput") and ACCURACY_REPORT:
        session.config.workeroutput["qa_accuracy"] = list(ACCURACY_REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    lines = getattr(node, "workeroutput", {}).get("qa_accuracy")
    if lines and not ACCURACY_REPORT:
        ACCURACY_REPORT.extend(lines)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if ACCURACY_REPORT:
        terminalreporter.section("QA rule accuracy (gold set)")
        for line in ACCURACY_REPORT:
            terminalreporter.write_line(line)
