using Gateway.Rules;

namespace Gateway.Accounts;

/// <summary>
/// The registered accounts in memory, for <see cref="WrongAccountCheck"/>: loaded at start, updated from
/// <see cref="AccountStore.Saved"/> the moment an account changes on this node, and reloaded every
/// <see cref="RefreshInterval"/> to pick up changes made on other nodes of a cluster. Checks never wait for the database.
/// </summary>
public sealed class AccountDirectory : BackgroundService, IAccountDirectory
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly AccountStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountDirectory> _log;
    private readonly Lock _gate = new();
    private IReadOnlyList<AccountProfile> _accounts = [];
    private long _version;

    public AccountDirectory(AccountStore store, TimeProvider time, ILogger<AccountDirectory> log)
    {
        (_store, _time, _log) = (store, time, log);
        store.Saved += OnSaved;
    }

    public IReadOnlyList<AccountProfile> Accounts => Volatile.Read(ref _accounts);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _version);
        var loaded = (await _store.ListAsync(cancellationToken)).Select(a => a.Profile).ToArray();
        lock (_gate)
        {
            // A save on this node while we read is newer than what we read: keep it, the next refresh catches up.
            if (_version == version)
            {
                Volatile.Write(ref _accounts, loaded);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(RefreshInterval, _time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning(e, "Reloading the accounts for the wrong-account check failed; keeping the ones in memory");
            }
        }
    }

    private void OnSaved(Account account)
    {
        lock (_gate)
        {
            _version++;
            var profile = account.Profile;
            Volatile.Write(ref _accounts, [.. _accounts.Where(a => a.Id != profile.Id), profile]);
        }
    }

    public override void Dispose()
    {
        _store.Saved -= OnSaved;
        base.Dispose();
    }
}
