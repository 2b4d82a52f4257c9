using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Api.Commands;

/// <summary>The outcome of a command: the events it appended (none when it had already been applied) and the stream's version after it.</summary>
public sealed record CommandWrite(IReadOnlyList<object> Events, long StreamVersion);

/// <summary>
/// Runs a command against one aggregate: load its stream, fold, decide, append at exactly the version read. A
/// concurrent writer makes the append conflict; the command is then decided again on the fresh state.
/// </summary>
public sealed class CommandWriter(IEventStore store)
{
    private const int Attempts = 5;
    private const int PageSize = 1_000;

    public async Task<CommandWrite> DecideAsync<TState>(
        string streamId,
        Func<IEnumerable<object>, TState> fold,
        Func<TState, IReadOnlyList<object>> decide,
        EventMetadata metadata,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (events, version) = await LoadAsync(streamId, cancellationToken).ConfigureAwait(false);
            var decided = decide(fold(events));
            if (decided.Count == 0)
            {
                return new CommandWrite([], version);
            }
            var data = decided.Select(e =>
            {
                var (type, json) = EventSerializer.Serialize(e);
                return new EventData(Guid.CreateVersion7(), type, json, metadata);
            }).ToList();
            var expected = version < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(version);
            try
            {
                var results = await store.AppendAsync(new AppendUnit(new StreamAppend(streamId, expected, data)), cancellationToken).ConfigureAwait(false);
                return new CommandWrite(decided, results[0].LastVersion);
            }
            catch (WrongExpectedVersionException) when (attempt < Attempts)
            {
                // Someone appended in between: decide again on what is there now.
            }
        }
    }

    /// <summary>The stream's decodable events and its version (-1 when it does not exist).</summary>
    public async Task<(IReadOnlyList<object> Events, long Version)> LoadAsync(string streamId, CancellationToken cancellationToken)
    {
        var events = new List<object>();
        var version = -1L;
        while (true)
        {
            var page = await store.ReadStreamAsync(streamId, version + 1, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page)
            {
                version = recorded.StreamVersion;
                if (EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } decoded)
                {
                    events.Add(decoded);
                }
            }
            if (page.Count < PageSize)
            {
                return (events, version);
            }
        }
    }
}
