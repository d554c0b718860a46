namespace Gateway.Publishing;

/// <summary>
/// Tracks this node's publishes that are between their last freeze check and their side effect, so that a freeze
/// (recorded on any node, see <see cref="Freeze.FreezeWatcher"/>) can cancel them. Together with the database fence
/// (scheduled → publishing only while no freeze covers the post) this makes the freeze call's return the point after
/// which nothing leaves.
/// </summary>
public sealed class PublishFence
{
    private readonly Lock _gate = new();
    private readonly HashSet<Lease> _leases = [];

    /// <summary>
    /// Call before the database fence (or, for a write that is not a post, before reading the freezes); dispose when
    /// the send has settled either way. <paramref name="id"/> names it in the log: a post id, or a forwarded write.
    /// </summary>
    public Lease Enter(string id, string account, CancellationToken jobToken)
    {
        var lease = new Lease(this, id, account, CancellationTokenSource.CreateLinkedTokenSource(jobToken));
        lock (_gate)
        {
            _leases.Add(lease);
        }
        return lease;
    }

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Cancels this node's publishes in flight to the accounts <paramref name="covers"/> names and waits until each
    /// has settled (held, unconfirmed or resolved). Returns the ids it stopped.
    /// </summary>
    public async Task<IReadOnlyList<string>> StopAsync(Func<string, bool> covers)
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
        try
        {
            await Task.WhenAll(inFlight.Select(l => l.Settled)).WaitAsync(SettleTimeout);
        }
        catch (TimeoutException)
        {
            // Only a publisher that ignores cancellation gets here; the freeze's wait across nodes reports it.
        }
        return inFlight.Select(l => l.Id).ToArray();
    }

    /// <summary>Whether anything is in flight here (a cheap test before reading the freezes again).</summary>
    public bool Busy
    {
        get
        {
            lock (_gate)
            {
                return _leases.Count > 0;
            }
        }
    }

    public sealed class Lease : IDisposable
    {
        private readonly PublishFence _fence;
        private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Lease(PublishFence fence, string id, string account, CancellationTokenSource cancellation)
        {
            _fence = fence;
            Id = id;
            Account = account;
            Cancellation = cancellation;
        }

        public string Id { get; }
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
