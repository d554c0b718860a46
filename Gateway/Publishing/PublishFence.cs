namespace Gateway.Publishing;

/// <summary>
/// Tracks the publishes that are between their last freeze check and their side effect, so that a freeze can
/// cancel them and wait until they have settled before it answers. Together with the database fence in
/// <see cref="Posts.PostStore"/> (scheduled → publishing only while nothing is frozen) this makes the freeze
/// call's return the point after which nothing leaves.
/// </summary>
public sealed class PublishFence
{
    private readonly Lock _gate = new();
    private readonly HashSet<Lease> _leases = [];

    /// <summary>Call before the database fence; dispose when the publish has settled either way.</summary>
    public Lease Enter(string postId, string account, CancellationToken jobToken)
    {
        var lease = new Lease(this, postId, account, CancellationTokenSource.CreateLinkedTokenSource(jobToken));
        lock (_gate)
        {
            _leases.Add(lease);
        }
        return lease;
    }

    /// <summary>Cancels the publishes in flight to the accounts a freeze covers and waits until each has settled. Returns the ids it stopped.</summary>
    public async Task<IReadOnlyList<string>> DrainAsync(Func<string, bool> covers, TimeSpan timeout)
    {
        Lease[] inFlight;
        lock (_gate)
        {
            inFlight = _leases.Where(l => covers(l.Account)).ToArray();
        }
        foreach (var lease in inFlight)
        {
            try
            {
                await lease.Cancellation.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // settled between the snapshot and now: nothing left to stop
            }
        }
        await Task.WhenAll(inFlight.Select(l => l.Settled)).WaitAsync(timeout);
        return inFlight.Select(l => l.PostId).ToArray();
    }

    public sealed class Lease : IDisposable
    {
        private readonly PublishFence _fence;
        private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Lease(PublishFence fence, string postId, string account, CancellationTokenSource cancellation)
        {
            _fence = fence;
            PostId = postId;
            Account = account;
            Cancellation = cancellation;
        }

        public string PostId { get; }
        public string Account { get; }
        internal CancellationTokenSource Cancellation { get; }
        internal Task Settled => _settled.Task;

        /// <summary>Cancelled when a freeze lands (or the scheduler shuts down).</summary>
        public CancellationToken Token => Cancellation.Token;

        public void Dispose()
        {
            lock (_fence._gate)
            {
                _fence._leases.Remove(this);
            }
            Cancellation.Dispose();
            _settled.TrySetResult();
        }
    }
}
