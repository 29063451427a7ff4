"""Database guards of the billing rules that code alone must not be trusted with.

- Versions of one contract never overlap (btree_gist is not available on every Postgres we run on,
  so a trigger does what an exclusion constraint would, serialised by the contract row lock).

- An issued or paid invoice cannot be updated or deleted; the one change allowed is issued → paid
  (status and paid_at). Its lines cannot be inserted, updated or deleted either.
- Credit notes of an invoice never add up to more than the invoice total, and only an issued or
  paid invoice can be credited.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION contracts_version_guard() RETURNS trigger AS $$
BEGIN
    -- Serialise writers of one contract's versions, then refuse any overlap of [valid_from, valid_to).
    PERFORM 1 FROM contracts_contract WHERE id = NEW.contract_id FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM contracts_contractversion v
        WHERE v.contract_id = NEW.contract_id AND v.id <> NEW.id
          AND daterange(v.valid_from, v.valid_to, '[)') && daterange(NEW.valid_from, NEW.valid_to, '[)')
    ) THEN
        RAISE EXCEPTION 'contract version from % overlaps another version of contract %', NEW.valid_from, NEW.contract_id
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_version_guard
    BEFORE INSERT OR UPDATE ON contracts_contractversion
    FOR EACH ROW EXECUTE FUNCTION contracts_version_guard();

CREATE OR REPLACE FUNCTION contracts_invoice_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN ('issued', 'paid') THEN
        IF TG_OP = 'UPDATE'
           AND OLD.status = 'issued' AND NEW.status = 'paid'
           AND (to_jsonb(NEW) - 'status' - 'paid_at') = (to_jsonb(OLD) - 'status' - 'paid_at') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'invoice % is % and cannot be changed (issue a credit note or a supplementary invoice)',
            OLD.number, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_invoice_guard
    BEFORE UPDATE OR DELETE ON contracts_invoice
    FOR EACH ROW EXECUTE FUNCTION contracts_invoice_guard();

CREATE OR REPLACE FUNCTION contracts_invoiceline_guard() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM contracts_invoice
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF parent_status IN ('issued', 'paid') THEN
        RAISE EXCEPTION 'the lines of an % invoice cannot be changed', parent_status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.invoice_id <> NEW.invoice_id THEN
        SELECT status INTO parent_status FROM contracts_invoice WHERE id = OLD.invoice_id;
        IF parent_status IN ('issued', 'paid') THEN
            RAISE EXCEPTION 'the lines of an % invoice cannot be changed', parent_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_invoiceline_guard
    BEFORE INSERT OR UPDATE OR DELETE ON contracts_invoiceline
    FOR EACH ROW EXECUTE FUNCTION contracts_invoiceline_guard();

CREATE OR REPLACE FUNCTION contracts_creditnote_guard() RETURNS trigger AS $$
DECLARE
    inv_total numeric;
    inv_status text;
    credited numeric;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        RAISE EXCEPTION 'a credit note cannot be changed or deleted once issued'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT total, status INTO inv_total, inv_status FROM contracts_invoice WHERE id = NEW.invoice_id FOR UPDATE;
    IF inv_status NOT IN ('issued', 'paid') THEN
        RAISE EXCEPTION 'only an issued or paid invoice can be credited' USING ERRCODE = 'check_violation';
    END IF;
    SELECT COALESCE(SUM(total), 0) INTO credited FROM contracts_creditnote WHERE invoice_id = NEW.invoice_id;
    IF credited + NEW.total > inv_total THEN
        RAISE EXCEPTION 'credit notes (% + %) would exceed the invoice total %', credited, NEW.total, inv_total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_creditnote_guard
    BEFORE INSERT OR UPDATE OR DELETE ON contracts_creditnote
    FOR EACH ROW EXECUTE FUNCTION contracts_creditnote_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS contracts_version_guard ON contracts_contractversion;
DROP FUNCTION IF EXISTS contracts_version_guard();
DROP TRIGGER IF EXISTS contracts_creditnote_guard ON contracts_creditnote;
DROP FUNCTION IF EXISTS contracts_creditnote_guard();
DROP TRIGGER IF EXISTS contracts_invoiceline_guard ON contracts_invoiceline;
DROP FUNCTION IF EXISTS contracts_invoiceline_guard();
DROP TRIGGER IF EXISTS contracts_invoice_guard ON contracts_invoice;
DROP FUNCTION IF EXISTS contracts_invoice_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
