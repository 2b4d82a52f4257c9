-- Ingest host: snapshots of charge point stream states, so a cold start reads only the events after the snapshot
-- instead of the stream's whole history (heartbeats and statuses make it grow forever). A snapshot is a cache:
-- the events stay the truth; a snapshot whose shape is not the current one is ignored.
CREATE TABLE ingest_snapshots (
    stream_id  text        PRIMARY KEY,
    version    bigint      NOT NULL,   -- stream version of the last event folded into the state
    shape      text        NOT NULL,   -- state format and fold revision, e.g. 'ChargePointState/1'
    state      bytea       NOT NULL,   -- UTF-8 JSON
    updated_at timestamptz NOT NULL DEFAULT now()
);
