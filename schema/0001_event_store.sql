-- The event store: streams with their version and the last link of their hash chain, and the event log.

CREATE TABLE streams (
    stream_id  text        PRIMARY KEY,
    version    bigint      NOT NULL,              -- version of the stream's last event (first event is 0)
    last_hash  bytea       NOT NULL,              -- hash of the last event, so an append need not read it back
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 70); -- every append rewrites its stream rows: leave room for HOT updates

CREATE TABLE events (
    position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction: readers order by (transaction_id, position) and stop below the oldest
    -- running transaction, so a late committer is never skipped.
    transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text        NOT NULL,
    stream_version bigint      NOT NULL,
    event_id       uuid        NOT NULL,
    type           text        NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    hash           bytea       NOT NULL,
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
    -- Durable idempotency: an event id is stored at most once per stream.
    CONSTRAINT events_stream_event_id_key UNIQUE (stream_id, event_id)
);

CREATE INDEX events_commit_order_idx ON events (transaction_id, position);

-- OCPP transaction ids: positive 32-bit integers, unique across every instance of the Central System.
CREATE SEQUENCE ocpp_transaction_id AS integer MINVALUE 1 CACHE 1;
