"""ledger (balances, journal, postings), deposits, order funds, users, outbox, inbox

The database enforces the ledger's rules itself, so no code path can break them:
* user balances (available, locked, position margin) and the insurance fund are CHECKed >= 0;
* every journal entry balances per asset (sum of CREDIT amounts = sum of DEBIT amounts) and has
  at least two postings: a DEFERRABLE INITIALLY DEFERRED constraint trigger re-sums the entry's
  postings at COMMIT (deferred, because the postings are inserted one by one after the entry);
* journal entries and postings are append-only (a trigger refuses UPDATE and DELETE).
"""
import sqlalchemy as sa
from alembic import op

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None

ASSETS = ("INR", "USDT")
SYSTEM_KINDS = ("FEES", "INSURANCE_FUND", "EXTERNAL", "CLEARING")
USER_KINDS = ("USER_AVAILABLE", "USER_LOCKED", "USER_POSITION_MARGIN")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    schema = schema_name()
    money = sa.Numeric(38, 18)
    op.create_table(
        "users",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("kyc_tier", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("daily_deposit_caps", sa.JSON, nullable=True),
        sa.Column("tier_updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("status_updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint(_in("status", ("ACTIVE", "SUSPENDED")), name="user_status"),
        schema=schema,
    )
    op.create_table(
        "balances",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("available", money, nullable=False),
        sa.Column("locked", money, nullable=False),
        sa.Column("position_margin", money, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint("available >= 0 AND locked >= 0 AND position_margin >= 0",
                           name="user_balances_never_negative"),
        sa.CheckConstraint(_in("asset", ASSETS), name="balance_asset"),
        schema=schema,
    )
    op.create_table(
        "system_balances",
        sa.Column("account_kind", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("balance", money, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint(_in("account_kind", SYSTEM_KINDS), name="system_account_kind"),
        sa.CheckConstraint("account_kind <> 'INSURANCE_FUND' OR balance >= 0",
                           name="insurance_fund_never_negative"),
        schema=schema,
    )
    op.execute(f'INSERT INTO "{schema}".system_balances VALUES ' + ", ".join(
        f"('{kind}', '{asset}', 0, 0, 0)" for kind in SYSTEM_KINDS for asset in ASSETS))
    op.create_table(
        "journal_entries",
        sa.Column("journal_entry_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
        sa.Column("reference_id", sa.Text, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "postings",
        sa.Column("posting_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("journal_entry_id", sa.Text,
                  sa.ForeignKey(f"{schema}.journal_entries.journal_entry_id"), nullable=False),
        sa.Column("seq", sa.SmallInteger, nullable=False),
        sa.Column("account_kind", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("amount", money, nullable=False),
        sa.Column("balance_after", money, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("journal_entry_id", "seq", name="posting_seq"),
        sa.CheckConstraint("amount > 0", name="posting_amount_positive"),
        sa.CheckConstraint(_in("direction", ("DEBIT", "CREDIT")), name="posting_direction"),
        sa.CheckConstraint(_in("account_kind", USER_KINDS + SYSTEM_KINDS), name="posting_account_kind"),
        sa.CheckConstraint("(left(account_kind, 5) = 'USER_') = (user_id <> '')", name="posting_owner"),
        schema=schema,
    )
    op.create_index("postings_by_user", "postings", ["user_id", "posting_id"], schema=schema,
                    postgresql_where=sa.text("user_id <> ''"))
    op.create_index("postings_by_entry", "postings", ["journal_entry_id"], schema=schema)
    op.create_table(
        "operations",
        sa.Column("idempotency_key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("journal_entry_id", sa.Text, nullable=True),
        sa.Column("amount", money, nullable=True),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "order_funds",
        sa.Column("order_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("locked", money, nullable=False),
        sa.Column("total_locked", money, nullable=False),
        sa.Column("settled_margin", money, nullable=False),
        sa.Column("fees", money, nullable=False),
        sa.Column("released", money, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint("locked >= 0 AND released >= 0 AND settled_margin >= 0 AND total_locked >= 0",
                           name="order_funds_never_negative"),
        schema=schema,
    )
    op.create_table(
        "deposits",
        sa.Column("deposit_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("amount", money, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("rail", sa.Text, nullable=False),
        sa.Column("deposit_address", sa.Text, nullable=False),
        sa.Column("network", sa.Text, nullable=False),
        sa.Column("payment_reference", sa.Text, nullable=False),
        sa.Column("rail_reference", sa.Text, nullable=False),
        sa.Column("client_request_id", sa.Text, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("confirmed_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_at_unix_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("user_id", "client_request_id", name="deposit_client_request"),
        sa.CheckConstraint("amount > 0", name="deposit_amount_positive"),
        sa.CheckConstraint(_in("status", ("PENDING", "CONFIRMED", "EXPIRED")), name="deposit_status"),
        sa.CheckConstraint("status <> 'CONFIRMED' OR rail_reference <> ''", name="deposit_confirmed_by_rail"),
        schema=schema,
    )
    op.create_index("deposits_by_user", "deposits", ["user_id", "deposit_id"], schema=schema)
    create_outbox_and_inbox(op, schema)

    # --- the ledger's rules, in the database ----------------------------------------------------
    # The PL/pgSQL goes straight to the driver, which still parses '%' placeholders: none are used.
    op.get_bind().exec_driver_sql(f"""
CREATE FUNCTION "{schema}".check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_id text := NEW.journal_entry_id;
    legs int;
    bad record;
BEGIN
    SELECT count(*) INTO legs FROM "{schema}".postings WHERE journal_entry_id = entry_id;
    IF legs < 2 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || entry_id || ' has ' || legs || ' posting(s); at least 2 are required';
    END IF;
    SELECT asset, sum(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) AS net INTO bad
      FROM "{schema}".postings WHERE journal_entry_id = entry_id
     GROUP BY asset HAVING sum(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || entry_id || ' is unbalanced in ' || bad.asset
                      || ': credits - debits = ' || bad.net;
    END IF;
    RETURN NULL;
END $$;

-- Runs at COMMIT for every entry and every posting inserted in the transaction.
CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON "{schema}".journal_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{schema}".check_entry_balanced();
CREATE CONSTRAINT TRIGGER posting_entry_balanced AFTER INSERT ON "{schema}".postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{schema}".check_entry_balanced();

CREATE FUNCTION "{schema}".ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = TG_TABLE_NAME || ' is append-only: correct a mistake with a new journal entry';
END $$;
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON "{schema}".journal_entries
    FOR EACH ROW EXECUTE FUNCTION "{schema}".ledger_is_append_only();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON "{schema}".postings
    FOR EACH ROW EXECUTE FUNCTION "{schema}".ledger_is_append_only();
""")
