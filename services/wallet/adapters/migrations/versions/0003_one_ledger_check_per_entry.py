"""one ledger check per journal entry: the balance rule checked once per entry, not once per posting

0001 re-summed an entry at COMMIT once for the entry and once more for each of its postings (two
deferred row triggers), two queries each: ~15 trigger statements per order in
`bench/order_path.py`, for an entry of three postings 8 queries where 1 decides. Now:

* the entry's deferred constraint trigger decides "at least two postings, balanced per asset" in
  one query at COMMIT, as before for every entry inserted in the transaction;
* postings get a statement trigger instead of a deferred row trigger: it looks only at entries
  the inserting transaction did NOT create itself (postings added to an entry committed before, or
  created in a savepoint) and requires them balanced when the INSERT statement ends. For an entry
  created in the same transaction (the ledger's only way, services/wallet/adapters/ledger_store.py:
  the entry, then all its postings in one INSERT) the entry's own trigger already re-sums it at
  COMMIT, so the statement trigger costs one query that finds nothing.

What the database refuses is unchanged: an entry that is unbalanced or has fewer than two
postings never commits, whatever writes it.
"""
from alembic import op

from services.platform.migrations import schema_name

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    schema = schema_name()
    # The PL/pgSQL goes straight to the driver, which still parses '%' placeholders: none are used.
    op.get_bind().exec_driver_sql(f"""
CREATE OR REPLACE FUNCTION "{schema}".check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_id text := NEW.journal_entry_id;
    legs bigint;
    bad_asset text;
    bad_net numeric;
BEGIN
    SELECT coalesce(sum(per_asset.legs), 0),
           (array_agg(per_asset.asset ORDER BY per_asset.asset) FILTER (WHERE per_asset.net <> 0))[1],
           (array_agg(per_asset.net ORDER BY per_asset.asset) FILTER (WHERE per_asset.net <> 0))[1]
      INTO legs, bad_asset, bad_net
      FROM (SELECT asset, count(*) AS legs, sum(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) AS net
              FROM "{schema}".postings WHERE journal_entry_id = entry_id GROUP BY asset) AS per_asset;
    IF legs < 2 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || entry_id || ' has ' || legs || ' posting(s); at least 2 are required';
    END IF;
    IF bad_asset IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || entry_id || ' is unbalanced in ' || bad_asset
                      || ': credits - debits = ' || bad_net;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER posting_entry_balanced ON "{schema}".postings;

-- Entries created by this transaction's top level are re-summed by their own trigger at COMMIT;
-- any other entry the statement added postings to must balance when the statement ends.
CREATE FUNCTION "{schema}".check_postings_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT p.journal_entry_id, p.asset, sum(CASE p.direction WHEN 'CREDIT' THEN p.amount ELSE -p.amount END) AS net
      INTO bad
      FROM "{schema}".postings AS p
     WHERE p.journal_entry_id IN (
               SELECT added.journal_entry_id FROM added
                 JOIN "{schema}".journal_entries AS e USING (journal_entry_id)
                WHERE e.xmin <> pg_current_xact_id()::xid)
     GROUP BY p.journal_entry_id, p.asset
    HAVING sum(CASE p.direction WHEN 'CREDIT' THEN p.amount ELSE -p.amount END) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || bad.journal_entry_id || ' is unbalanced in ' || bad.asset
                      || ': credits - debits = ' || bad.net;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER postings_balance_their_entry AFTER INSERT ON "{schema}".postings
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".check_postings_added();
""")


def downgrade() -> None:
    schema = schema_name()
    op.get_bind().exec_driver_sql(f"""
DROP TRIGGER postings_balance_their_entry ON "{schema}".postings;
DROP FUNCTION "{schema}".check_postings_added();
CREATE CONSTRAINT TRIGGER posting_entry_balanced AFTER INSERT ON "{schema}".postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{schema}".check_entry_balanced();
""")
