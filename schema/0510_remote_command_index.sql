-- The remote command dispatcher follows only its five event types through the log (RemoteCommandDispatcher.FollowedTypes).
-- Indexed on their own, a few rows among millions of meter readings, its reads cost next to nothing, where reading the
-- whole log made the ingest decode every event a second time; any other insert only evaluates the predicate.
CREATE INDEX events_remote_commands_idx ON events (transaction_id, position)
    WHERE type IN ('RemoteCommandRequested', 'RemoteCommandSent', 'RemoteCommandReplied', 'RemoteCommandFailed', 'RemoteCommandTimedOut');
