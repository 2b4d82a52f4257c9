-- Events keep their JSON as the text the store wrote (json) rather than as jsonb. Every event is written once and read
-- whole many times (each projection, each rebuild); nothing queries inside it on a hot path. jsonb made the server parse
-- and re-encode each event on the way in and re-serialise it on every read: reading a page of the log cost twice the
-- server time, and a group commit's COPY a fifth more. The text is the canonical form the hash chain covers
-- (CanonicalJson), so verification re-derives exactly what was hashed. Queries may still use ->> on json, or cast.
ALTER TABLE events
    ALTER COLUMN data TYPE json USING data::json,
    ALTER COLUMN metadata TYPE json USING metadata::json;
