using System.Collections.Concurrent;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Links;

/// <summary>Outstanding CALLs by UniqueId, completed by the matching CALLRESULT/CALLERROR.</summary>
internal sealed class PendingCalls(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<OcppFrame>> _pending = new(StringComparer.Ordinal);

    public async Task<OcppFrame> AwaitAsync(string uniqueId, Func<Task> send, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<OcppFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[uniqueId] = completion;
        try
        {
            await send().ConfigureAwait(false);
            return await completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, TaskCompletionSource<OcppFrame>>(uniqueId, completion));
        }
    }

    public void Complete(OcppFrame frame)
    {
        if (_pending.TryGetValue(frame.UniqueId, out var completion))
        {
            completion.TrySetResult(frame);
        }
    }

    public void FailAll(Exception error)
    {
        foreach (var completion in _pending.Values)
        {
            completion.TrySetException(error);
        }
    }
}
