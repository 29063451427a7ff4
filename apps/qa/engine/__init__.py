"""The QA engine: scores one conversation against one compiled scorecard. Pure Python, no ORM.

Pipeline of one conversation:
1. Normalise every message (NFKC full→half width, traditional→simplified via OpenCC "t2s",
   lower case, separators used to dodge filters such as 最/低/价 or 最 低 价 removed). Every
   character of the Basic Multilingual Plane is worked out once per process: a message without a
   character that changes (one regex search) is kept as it is, any other is one `str.translate`
   over the table. Offsets back to the original text are rebuilt only for the messages that carry
   a hit and are not mapped one character for one, so every span points into the original
   (masked) text.
2. ONE Aho-Corasick automaton (ahocorasick_rs, a DFA) holds every word list of the scorecard; it
   runs once over the whole normalised conversation. Keyword, context, handover, mandatory-phrase,
   sentiment and PII rules read its hits, exclusion phrases and degree words included; a rule whose
   trigger words are not in the conversation is skipped without a call. Regex rules run their
   compiled pattern, only on the messages holding one of the pattern's literal factors (also in
   the automaton: 微信, vx, qq … for the off-platform pattern); timing rules read the rounds of
   apps.conversations.timing.human_rounds (the one definition of the human side, rounds, waits and
   "needs an answer" that the KPIs share; sent_at is POSIX seconds); repetition compares
   normalised replies; combinations evaluate and/or/not over the other rules' outcomes.
   Keyword parameters: words, mode (any | all | n_of with n), scope (message | conversation),
   turns ({"first": n} | {"last": n}), negators (within negation_window characters before the word,
   same clause; a one-character negator must touch it; A-not-A questions such as 能不能 do not
   negate), exclude (phrases that cover the match), excused_by (words anywhere in the same message
   that excuse it), skip_quoted (true: a word inside quotation marks is a mention, not a use),
   void_in ({"words", "when"}: those words do not count in a message holding a `when` word),
   pinyin (true, mode any: the words' pinyin spellings count too, bao证 / baozheng:
   apps.qa.engine.pinyin). Regex rules may take `similar` (examples and a model) as keyword rules
   do; their `exclude` spares a message the examples or the model flag.
3. Scoring: every rule deducts (or, for bonus rules, adds) its score change once per conversation;
   a scorecard item caps the deductions of its rules at its weight; a critical hit (致命项) fails
   the conversation with score 0. Pass = no critical hit and score ≥ the pass mark.

Conversations that cannot be judged are never a silent pass:
- no messages, or no buyer/agent/bot message → status "unscorable" with the reason;
- human-handled with no agent message (nobody answered, or the agent is unknown) → "unscorable";
- bot-only conversations (handled by the bot, no human agent message) → "not_applicable": agent
  rules do not apply to a bot, so there is no score and no pass/fail, but the rules marked
  bot-applicable (buyer alerts such as escalation risk, handover ignored, PII) still run and their
  hits are recorded. There the bot is the serving side: a bot-applicable rule of the agent role
  reads the bot's messages (a bot that asks for the buyer's 验证码 is caught like an agent).

The package is split along the pipeline's seams: `types` (vocabulary, inputs, outputs),
`normalise` (step 1), `compile` (validating and compiling one rule), `context` (what the rules read
about one conversation), `rules` (one handler per rule type) and `score` (the compiled scorecard,
step 3). Everything callers use is importable from `apps.qa.engine` itself.
"""

from apps.qa.engine.compile import _literal_factors, validate_combinations, validate_rule
from apps.qa.engine.context import _Ctx
from apps.qa.engine.normalise import _TABLE, _changes, normalize, normalize_with_offsets, original_span
from apps.qa.engine.rules import _repetition_key
from apps.qa.engine.score import CompiledScorecard, compile_scorecard, score_from_fired, score_many
from apps.qa.engine.types import (
    PII_TOKENS,
    ROLES,
    RULE_TYPES,
    SEVERITIES,
    STATUS_NOT_APPLICABLE,
    STATUS_SCORED,
    STATUS_UNSCORABLE,
    TIMING_METRICS,
    ConversationIn,
    Hit,
    ItemSpec,
    MessageIn,
    RuleConfigError,
    RuleSpec,
    ScorecardSpec,
    ScoreResult,
)

__all__ = [
    "PII_TOKENS",
    "ROLES",
    "RULE_TYPES",
    "SEVERITIES",
    "STATUS_NOT_APPLICABLE",
    "STATUS_SCORED",
    "STATUS_UNSCORABLE",
    "TIMING_METRICS",
    "_TABLE",
    "CompiledScorecard",
    "ConversationIn",
    "Hit",
    "ItemSpec",
    "MessageIn",
    "RuleConfigError",
    "RuleSpec",
    "ScoreResult",
    "ScorecardSpec",
    "_Ctx",
    "_changes",
    "_literal_factors",
    "_repetition_key",
    "compile_scorecard",
    "normalize",
    "normalize_with_offsets",
    "original_span",
    "score_from_fired",
    "score_many",
    "validate_combinations",
    "validate_rule",
]
