"""Writes of the qa app: scorecards and rules (`scorecards`), scoring conversations in bulk and the
runs that do it (`scoring`), the review queue, disputes and calibration (`review`). Callers import
from `apps.qa.services`."""

from __future__ import annotations

from apps.qa.services.review import (
    calibration_agreement,
    calibration_close,
    calibration_create,
    calibration_score,
    dispute_decide,
    dispute_file,
    manual_score,
    qa_hit_excerpts_purge,
    qa_hit_excerpts_purge_brand,
    review_assign,
    review_decide,
    review_sample_score,
)
from apps.qa.services.scorecards import (
    BATCH_SIZE,
    DEFAULT_PACK,
    REVIEW_SEVERITIES,
    compiled_scorecard,
    load_pack,
    rule_save,
    rule_spec,
    rule_validate,
    scorecard_install_default,
    scorecard_new_version,
)
from apps.qa.services.scoring import (
    MAX_QUEUE_SHARE,
    RUN_COUNTS,
    SAMPLE_SLOTS,
    qa_rescore_request,
    qa_rescore_run,
    qa_rescore_scorecard,
    qa_score_import_run,
    qa_sweep_unscored,
    score_conversation_batch,
    unscored_conversation_ids,
)

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_PACK",
    "MAX_QUEUE_SHARE",
    "REVIEW_SEVERITIES",
    "RUN_COUNTS",
    "SAMPLE_SLOTS",
    "calibration_agreement",
    "calibration_close",
    "calibration_create",
    "calibration_score",
    "compiled_scorecard",
    "dispute_decide",
    "dispute_file",
    "load_pack",
    "manual_score",
    "qa_hit_excerpts_purge",
    "qa_hit_excerpts_purge_brand",
    "qa_rescore_request",
    "qa_rescore_run",
    "qa_rescore_scorecard",
    "qa_score_import_run",
    "qa_sweep_unscored",
    "review_assign",
    "review_decide",
    "review_sample_score",
    "rule_save",
    "rule_spec",
    "rule_validate",
    "score_conversation_batch",
    "scorecard_install_default",
    "scorecard_new_version",
    "unscored_conversation_ids",
]
