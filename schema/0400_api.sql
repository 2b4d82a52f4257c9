-- Query API: API keys (only their SHA-256 is kept) and the durable record of command requests by Idempotency-Key.

CREATE TABLE api_keys (
    key_id     uuid        PRIMARY KEY,
    name       text        NOT NULL,
    roles      text[]      NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['auditor', 'billing', 'support', 'admin']),
    key_hash   bytea       NOT NULL UNIQUE,                 -- SHA-256 of the secret key (256 random bits)
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- One row per (API key, Idempotency-Key): pending while the first request runs, then its response, replayed to repeats.
CREATE TABLE api_idempotency (
    key_id          uuid        NOT NULL REFERENCES api_keys (key_id),
    idempotency_key text        NOT NULL,
    request_hash    bytea       NOT NULL,                  -- method, path and body of the first request
    status_code     integer,                               -- null while the first request is still running
    location        text,
    response_body   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    PRIMARY KEY (key_id, idempotency_key)
);
