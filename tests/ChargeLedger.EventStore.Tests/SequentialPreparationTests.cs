using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace ChargeLedger.EventStore.Tests;

/// <summary>
/// A store built with parallel preparation off prepares even a large group commit on the calling thread, and keeps
/// every guarantee (an invalid unit among them is rejected alone). The event data is read through a memory manager that records which threads read it, and makes
/// each read cost a little CPU, so a parallel loop would certainly have handed some of the work to another thread.
/// </summary>
public sealed class SequentialPreparationTests() : StoreContext("es_seq")
{
    private const int Units = 400;

    [Fact]
    public async Task GivenParallelPreparationOff_WhenAppendingALargeGroupCommit_ThenEveryEventIsPreparedOnTheCallingThreadAndCommitted()
    {
        await using var store = new PostgresEventStore(DataSource, parallelPreparation: false);
        var readers = new ConcurrentDictionary<int, byte>();
        var units = Enumerable.Range(0, Units).Select(i => Unit(
            $"seq-{i % 50}", ExpectedVersion.Any,
            new EventData(
                Guid.NewGuid(), "Thing.Happened", new SlowThreadRecordingMemory(Encoding.UTF8.GetBytes($$"""{"n":{{i}},"b":[1.50,100]}"""), readers).Memory,
                new EventMetadata(Source: "test")))).ToList();
        // The test host keeps pool threads blocked; with spare threads a parallel loop would certainly spread.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        units[Units / 2] = Unit("seq-bad", ExpectedVersion.Any, Event("""{"broken": """));
        var caller = Environment.CurrentManagedThreadId;

        var outcomes = await store.AppendManyAsync(units, default);

        Assert.Equal([caller], readers.Keys);
        Assert.IsType<InvalidEventException>(Assert.IsType<AppendOutcome.Rejected>(outcomes[Units / 2]).Error);
        Assert.Equal(Units - 1, outcomes.Count(o => o is AppendOutcome.Committed));
        Assert.Equal(Units - 1, await CountEventsAsync());
        Assert.Equal(Units / 50 - 1, await ScalarAsync("SELECT version FROM streams WHERE stream_id = 'seq-7'"));
        Assert.True((await store.VerifyStreamAsync($"seq-{Units / 2 % 50}", default)).Valid);
        Assert.True((await store.VerifyStreamAsync("seq-7", default)).Valid);
    }

    private sealed class SlowThreadRecordingMemory(byte[] bytes, ConcurrentDictionary<int, byte> readers) : MemoryManager<byte>
    {
        private static readonly TimeSpan WorkPerRead = TimeSpan.FromMilliseconds(0.25);

        public override Span<byte> GetSpan()
        {
            readers.TryAdd(Environment.CurrentManagedThreadId, 0);
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < WorkPerRead)
            {
                Thread.SpinWait(20);
            }
            return bytes;
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
