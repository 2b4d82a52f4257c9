-- The projection runtime's bookkeeping. A projection's read-model tables live in their own PostgreSQL schema
-- (rm_<name> while live, rebuild_<name>_<n> while a rebuild fills fresh copies); these tables say how far each got.

-- One row per projection and target: 'live' is the schema the API reads, 'rebuild' a fresh copy being filled.
-- The read-model changes of a batch and this row's new checkpoint commit in the same transaction.
CREATE TABLE projection_checkpoints (
    projection       text        NOT NULL,
    target           text        NOT NULL CHECK (target IN ('live', 'rebuild')),
    schema_name      text        NOT NULL,
    version          integer     NOT NULL,
    transaction_id   bigint      NOT NULL DEFAULT 0,   -- the checkpoint pair, as the event store gives it
    position         bigint      NOT NULL DEFAULT 0,
    events_applied   bigint      NOT NULL DEFAULT 0,
    last_recorded_at timestamptz,                      -- recorded time of the last applied event
    state            text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'failed')),
    last_error       text,
    failed_at        timestamptz,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, target)
);

-- Numbers the rebuild schemas, so a rebuild never reuses the name of a half-finished one.
CREATE SEQUENCE projection_rebuild_number;

-- Every finished rebuild with its comparison report, so a retroactive repair can be traced afterwards.
CREATE TABLE projection_rebuilds (
    rebuild_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection      text        NOT NULL,
    from_version    integer,
    to_version      integer     NOT NULL,
    transaction_id  bigint      NOT NULL,
    position        bigint      NOT NULL,
    events_applied  bigint      NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    keys_compared   bigint      NOT NULL,
    differences     bigint      NOT NULL,
    report          jsonb       NOT NULL                -- differing keys (capped) with old and new values
);

CREATE INDEX projection_rebuilds_projection_idx ON projection_rebuilds (projection, rebuild_id);
