namespace ChargeLedger.EventStore;

public sealed partial class PostgresEventStore
{
    private sealed record PlannedStream(PreparedStream Stream, bool Replay);

    private readonly record struct StoredEvent(long Version, long Position);

    /// <summary>An event this commit writes: its stream, version and hash chain link, and the position it got.</summary>
    private sealed class Row(string streamId, long version, PreparedEvent e, byte[] hash)
    {
        public string StreamId { get; } = streamId;

        public long Version { get; } = version;

        public PreparedEvent Event { get; } = e;

        public byte[] Hash { get; } = hash;

        /// <summary>Set once the database has drawn it.</summary>
        public long Position { get; set; }
    }

    /// <summary>What one group commit knows: the heads it decides against, events already stored, and the rows it adds.</summary>
    private sealed class AppendState
    {
        public Dictionary<string, StreamHead> Heads { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string, Guid), StoredEvent> Stored { get; } = [];

        public Dictionary<(string, Guid), Row> Pending { get; } = [];

        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

        public List<Row> Rows { get; } = [];

        public bool IsKnown(string streamId, Guid eventId) =>
            Stored.ContainsKey((streamId, eventId)) || Pending.ContainsKey((streamId, eventId));

        /// <summary>Gives the stream's events their versions and links them into the stream's hash chain.</summary>
        public void Add(PreparedStream stream)
        {
            var head = Heads.TryGetValue(stream.StreamId, out var found) ? found : new StreamHead(-1, EventHash.Genesis);
            var version = head.Version;
            var hash = head.Hash;
            foreach (var e in stream.Events)
            {
                version++;
                hash = EventHash.Compute(hash, stream.StreamId, version, e.EventId, e.Type, e.CanonicalData, e.Metadata);
                var row = new Row(stream.StreamId, version, e, hash);
                Rows.Add(row);
                Pending[(stream.StreamId, e.EventId)] = row;
            }
            Heads[stream.StreamId] = new StreamHead(version, hash);
            Touched.Add(stream.StreamId);
        }

        public StreamAppendResult Result(PlannedStream planned)
        {
            var stream = planned.Stream;
            var first = Locate(stream.StreamId, stream.Events[0].EventId);
            var last = Locate(stream.StreamId, stream.Events[^1].EventId);
            return new StreamAppendResult(stream.StreamId, first.Version, last.Version, first.Position, last.Position, planned.Replay);
        }

        private StoredEvent Locate(string streamId, Guid eventId)
        {
            if (Stored.TryGetValue((streamId, eventId), out var stored))
            {
                return stored;
            }
            var row = Pending[(streamId, eventId)];
            return new StoredEvent(row.Version, row.Position);
        }
    }
}
