-- Ingest host: where its background log followers (remote command dispatcher) resume after a restart.
CREATE TABLE ingest_checkpoints (
    name           text        PRIMARY KEY,
    transaction_id text        NOT NULL,   -- Checkpoint.TransactionId (xid8 as text)
    position       bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
