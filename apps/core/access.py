"""The role table: which roles may call every URL of Tideline, checked in one place.

Every URL name in the URLconf (pages, API operations, admin) has a Rule here. `AccessMiddleware`
looks the rule up for each request before the view runs and refuses what the rule does not allow:
an anonymous visitor is sent to the login page (API: 401), a logged-in user without the role gets
403. A URL with no rule is refused for everyone (fail closed) and the access matrix test
(`tests/core/test_access_matrix.py`) fails naming it. How to add a URL: `docs/access.md`.

Decisions where the written rules are silent:
- A superuser passes every rule; a user without a Tideline role passes only public rules.
- Reads are GET/HEAD/OPTIONS; every other method is a write and needs a role in `write`.
- The role table says *who may call* a URL. *Which rows* they then see is the view's job through
  `apps.core.roles.scope_queryset` (a client viewer of brand A gets 404 for brand B's ids) and the
  client-visible selectors (a client viewer sees only issued invoices and issued report runs).
- Admin URLs are let through for every role; Django admin's model permissions, which
  `apps.core.roles.ROLE_PERMISSIONS` gives each role, decide there (the matrix test checks every
  model's change list against them).
- The API schema and Swagger UI are open in development and need a role elsewhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from apps.core.choices import Role

log = logging.getLogger(__name__)

MANAGER = Role.BPO_MANAGER
ACCOUNTS = Role.ACCOUNT_MANAGER
QA = Role.QA_SUPERVISOR
VIEWER = Role.CLIENT_VIEWER
STAFF = frozenset({MANAGER, ACCOUNTS, QA})
ANY_ROLE = frozenset({*STAFF, VIEWER})
NOBODY: frozenset[str] = frozenset()
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


@dataclass(frozen=True)
class Rule:
    """Who may call one URL name. Superusers always may.

    read: roles for GET/HEAD/OPTIONS; write: roles for POST/PUT/PATCH/DELETE.
    public: anyone, logged in or not (login, language switch).
    open_in_development: public when TIDELINE_ENV=development (API schema and docs).
    admin: Django admin; its model permissions decide after this rule lets any role in.
    model: the model (`app.Model`) whose primary key the URL's `pk` takes, for the matrix test.
    read_perm: a Django permission that also lets its holder read (granted to one user in admin,
        e.g. a brand's viewer given its own conversations); the view still scopes the rows.
    """

    read: frozenset[str] = NOBODY
    write: frozenset[str] = NOBODY
    public: bool = False
    open_in_development: bool = False
    admin: bool = False
    model: str = ""
    read_perm: str = ""

    def allows(self, user, method: str) -> bool:
        if self.public or (self.open_in_development and settings.TIDELINE_ENV == "development"):
            return True
        if user is None or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        from apps.core.roles import user_roles

        if method in READ_METHODS:
            return bool(user_roles(user) & self.read) or bool(self.read_perm and user.has_perm(self.read_perm))
        return bool(user_roles(user) & self.write)


PUBLIC = Rule(public=True)
ADMIN = Rule(read=ANY_ROLE, write=ANY_ROLE, admin=True)


def api(read=NOBODY, write=NOBODY, model: str = "", read_perm: str = "") -> Rule:
    return Rule(read=frozenset(read), write=frozenset(write), model=model, read_perm=read_perm)


# URL name (with namespace) -> Rule. Router URLs are named "<basename>-<action>".
RULES: dict[str, Rule] = {
    # --- log in and out, language, home ----------------------------------------------------------
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    # probes and the Prometheus scrape carry no login (metrics checks its own bearer token)
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "metrics": PUBLIC,
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    "core:home": Rule(read=ANY_ROLE),
    "api-schema": Rule(read=ANY_ROLE, open_in_development=True),
    "api-docs": Rule(read=ANY_ROLE, open_in_development=True),
    "api-root": Rule(read=ANY_ROLE),
    "api-me": Rule(read=ANY_ROLE),
    # --- pages -----------------------------------------------------------------------------------
    "contracts:billing": Rule(read=roles(ACCOUNTS, VIEWER)),
    "contracts:export": Rule(read=roles(ACCOUNTS, VIEWER)),
    "contracts:receivables-export": Rule(read=roles(ACCOUNTS, VIEWER)),
    "contracts:statement": Rule(read=roles(ACCOUNTS, VIEWER), model="contracts.Invoice"),
    "contracts:statement-pdf": Rule(read=roles(ACCOUNTS, VIEWER), model="contracts.Invoice"),
    "contracts:statement-correction-pdf": Rule(read=roles(ACCOUNTS, VIEWER), model="contracts.CreditNote"),
    "contracts:statement-act": Rule(write=roles(ACCOUNTS), model="contracts.Invoice"),
    "contracts:statement-answer": Rule(write=roles(VIEWER), model="contracts.Invoice"),
    "reports:run-list": Rule(read=ANY_ROLE),
    # sales (issue #17): staff see every brand, a client viewer its own (the views scope)
    "orders:sales": Rule(read=ANY_ROLE),
    "orders:sales-brand": Rule(read=ANY_ROLE, model="clients.Client"),
    "orders:sales-export": Rule(read=ANY_ROLE, model="clients.Client"),
    "reports:run-request": Rule(write=roles(ACCOUNTS)),
    "reports:run-pdf": Rule(read=ANY_ROLE, model="reports.ReportRun"),
    "reports:run-edit": Rule(read=roles(ACCOUNTS), write=roles(ACCOUNTS), model="reports.ReportRun"),
    "reports:run-review": Rule(write=roles(ACCOUNTS), model="reports.ReportRun"),
    "reports:run-issue": Rule(write=roles(ACCOUNTS), model="reports.ReportRun"),
    # a brand's data exports (docs/retention.md): a viewer its own brand's, scoped in the view
    "clients:exports": Rule(read=roles(ACCOUNTS, VIEWER), write=roles(ACCOUNTS, VIEWER)),
    "clients:export-download": Rule(read=roles(ACCOUNTS, VIEWER), model="clients.DataRun"),
    "qa:dashboard": Rule(read=STAFF),
    "qa:agents": Rule(read=STAFF),
    "qa:escalations": Rule(read=STAFF),
    "qa:coaching": Rule(read=STAFF),
    "qa:review-next": Rule(read=roles(QA)),
    "qa:review": Rule(read=roles(QA), write=roles(QA), model="qa.ReviewItem"),
    "workforce:schedule": Rule(read=roles(MANAGER, ACCOUNTS)),
    "workforce:replan": Rule(write=roles(MANAGER)),
    "workforce:what_if": Rule(write=roles(MANAGER)),
    "workforce:forecast_make": Rule(write=roles(MANAGER)),
    "workforce:publish": Rule(write=roles(MANAGER), model="workforce.Roster"),
    "workforce:export": Rule(read=roles(MANAGER, ACCOUNTS), model="workforce.Roster"),
    # --- API: core and clients -------------------------------------------------------------------
    "promo-event-list": api(read=roles(MANAGER, ACCOUNTS), write=roles(MANAGER)),
    "promo-event-detail": api(read=roles(MANAGER, ACCOUNTS), write=roles(MANAGER)),
    "client-list": api(read=ANY_ROLE, write=roles(ACCOUNTS)),
    "client-detail": api(read=ANY_ROLE, write=roles(ACCOUNTS)),
    "store-list": api(read=ANY_ROLE, write=roles(ACCOUNTS)),
    "store-detail": api(read=ANY_ROLE, write=roles(ACCOUNTS)),
    "site-list": api(read=STAFF, write=roles(ACCOUNTS)),
    "site-detail": api(read=STAFF, write=roles(ACCOUNTS)),
    "data-export-list": api(read=roles(ACCOUNTS, VIEWER), write=roles(ACCOUNTS, VIEWER)),
    "data-export-detail": api(read=roles(ACCOUNTS, VIEWER), model="clients.DataRun"),
    "data-export-download": api(read=roles(ACCOUNTS, VIEWER), model="clients.DataRun"),
    # --- API: conversations ----------------------------------------------------------------------
    "conversation-list": api(read=STAFF, read_perm="conversations.view_conversation"),
    "conversation-detail": api(
        read=STAFF, model="conversations.Conversation", read_perm="conversations.view_conversation"
    ),
    "import-run-list": api(read=STAFF, write=roles(MANAGER, ACCOUNTS), read_perm="conversations.view_importrun"),
    "import-run-detail": api(read=STAFF, read_perm="conversations.view_importrun"),
    # --- API: workforce --------------------------------------------------------------------------
    "workforce-forecast-list": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-forecast-detail": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-forecast-build": api(write=roles(MANAGER)),
    "workforce-forecast-override-list": api(read=roles(MANAGER, ACCOUNTS), write=roles(MANAGER)),
    "workforce-forecast-override-detail": api(read=roles(MANAGER, ACCOUNTS), write=roles(MANAGER)),
    "workforce-requirement-list": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-requirement-detail": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-roster-list": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-roster-detail": api(read=roles(MANAGER, ACCOUNTS)),
    "workforce-roster-publish": api(write=roles(MANAGER)),
    "workforce-solve-run-list": api(read=roles(MANAGER, ACCOUNTS), write=roles(MANAGER)),
    "workforce-solve-run-detail": api(read=roles(MANAGER, ACCOUNTS)),
    # --- API: QA ---------------------------------------------------------------------------------
    "qa-summary": api(read=STAFF),
    "qa-scorecard-list": api(read=STAFF),
    "qa-scorecard-detail": api(read=STAFF),
    "qa-scorecard-new-version": api(write=roles(QA)),
    "qa-scorecard-rescore": api(write=roles(QA)),
    "qa-rule-list": api(read=STAFF, write=roles(QA)),
    "qa-rule-detail": api(read=STAFF, write=roles(QA)),
    "qa-result-list": api(read=STAFF),
    "qa-result-detail": api(read=STAFF),
    "qa-review-item-list": api(read=STAFF),
    "qa-review-item-detail": api(read=STAFF),
    "qa-review-item-decide": api(write=roles(QA)),
    # BPO managers stand in for the agents' team leads, who file disputes; QA decides them
    "qa-dispute-list": api(read=STAFF, write=roles(MANAGER, QA)),
    "qa-dispute-detail": api(read=STAFF),
    "qa-dispute-decide": api(write=roles(QA)),
    "qa-run-list": api(read=STAFF),
    "qa-run-detail": api(read=STAFF),
    "qa-calibration-list": api(read=STAFF),
    "qa-calibration-detail": api(read=STAFF),
    # --- API: contracts and billing (client viewers: their brand's issued documents) -------------
    "usage-bulk": api(write=roles(ACCOUNTS)),
    "usage-upload": api(write=roles(ACCOUNTS)),
    "contract-list": api(read=roles(ACCOUNTS)),
    "contract-detail": api(read=roles(ACCOUNTS)),
    "contract-new-charge": api(write=roles(ACCOUNTS)),
    "contract-new-version": api(write=roles(ACCOUNTS)),
    "invoice-list": api(read=roles(ACCOUNTS, VIEWER)),
    "invoice-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "invoice-export": api(read=roles(ACCOUNTS, VIEWER)),
    "invoice-approve": api(write=roles(ACCOUNTS)),
    "invoice-issue": api(write=roles(ACCOUNTS)),
    "invoice-mark-paid": api(write=roles(ACCOUNTS)),
    "invoice-edit": api(write=roles(ACCOUNTS)),
    "invoice-credit": api(write=roles(ACCOUNTS)),
    "invoice-payment": api(write=roles(ACCOUNTS)),
    "invoice-fapiao": api(write=roles(ACCOUNTS)),
    "invoice-confirmation": api(write=roles(VIEWER)),
    "invoice-answer-dispute": api(write=roles(ACCOUNTS)),
    "invoice-receivables": api(read=roles(ACCOUNTS, VIEWER)),
    "invoice-fapiao-batch": api(read=roles(ACCOUNTS)),
    "fapiao-list": api(read=roles(ACCOUNTS, VIEWER)),
    "fapiao-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "payment-list": api(read=roles(ACCOUNTS, VIEWER)),
    "payment-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "statementresponse-list": api(read=roles(ACCOUNTS, VIEWER)),
    "statementresponse-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "creditnote-list": api(read=roles(ACCOUNTS, VIEWER)),
    "creditnote-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "billingrun-list": api(read=roles(ACCOUNTS)),
    "billingrun-detail": api(read=roles(ACCOUNTS)),
    "billingrun-preview": api(write=roles(ACCOUNTS)),
    "billingrun-run": api(write=roles(ACCOUNTS)),
    # --- API: orders and sales (issue #17) --------------------------------------------------------
    "order-list": api(read=ANY_ROLE),
    "order-detail": api(read=ANY_ROLE),
    "order-import-list": api(read=STAFF, write=roles(MANAGER, ACCOUNTS)),
    "order-import-detail": api(read=STAFF),
    "sales-summary": api(read=ANY_ROLE, model="clients.Client"),
    # --- API: reports (client viewers: their brand's issued reports) -----------------------------
    "report-run-list": api(read=ANY_ROLE, write=roles(ACCOUNTS)),
    "report-run-detail": api(read=ANY_ROLE),
    "report-run-pdf": api(read=ANY_ROLE),
    "report-run-commentary": api(write=roles(ACCOUNTS)),
    "report-run-review-commentary": api(write=roles(ACCOUNTS)),
    "report-run-issue": api(write=roles(ACCOUNTS)),
    "rendered-document-list": api(read=roles(ACCOUNTS, VIEWER)),
    "rendered-document-detail": api(read=roles(ACCOUNTS, VIEWER)),
    "rendered-document-pdf": api(read=roles(ACCOUNTS, VIEWER)),
    # --- intraday room (docs/intraday.md): managers and duty supervisors (QA) watch, managers act --
    "intraday:room": Rule(read=roles(MANAGER, QA)),
    "intraday:panel": Rule(read=roles(MANAGER, QA)),
    "intraday:site": Rule(read=roles(MANAGER, QA), model="clients.Site"),
    "intraday:lever-apply": Rule(write=roles(MANAGER)),
    "intraday-message-list": api(write=roles(MANAGER, VIEWER)),  # the brands of the token's PushGrants only
    "intraday-agent-state-list": api(write=roles(MANAGER)),
    "intraday-agent-state-upload": api(write=roles(MANAGER)),
    "intraday-room-list": api(read=roles(MANAGER, QA)),
    "intraday-tick-list": api(write=roles(MANAGER)),
    "intraday-lever-list": api(read=roles(MANAGER, QA)),
    "intraday-lever-apply": api(write=roles(MANAGER)),
    "intraday-alert-list": api(read=roles(MANAGER, QA)),
    "intraday-alert-detail": api(read=roles(MANAGER, QA)),
}


def rule_for(view_name: str | None) -> Rule | None:
    """The rule of a resolved URL name; every `admin:` name shares ADMIN unless listed itself."""
    if not view_name:
        return None
    rule = RULES.get(view_name)
    if rule is None and view_name.startswith("admin:"):
        return ADMIN
    return rule


def allowed(user, view_name: str | None, method: str) -> bool:
    """May `user` call the URL named `view_name` with `method`? No rule means no."""
    rule = rule_for(view_name)
    if rule is None:
        log.warning("no access rule for URL name %r: add it to apps/core/access.py RULES", view_name)
        return False
    return rule.allows(user, method.upper())
