namespace Gateway.Rules.Packs;

/// <summary>
/// Loads the packs and reloads them when a file under the rules folder changes (debounced, since editors write
/// a file in several steps). A broken change never replaces the working set: <see cref="Current"/> keeps the
/// last good packs, <see cref="Status"/> and <see cref="ReloadFailed"/> report the problem with its file, line
/// and column until a reload succeeds. The first load throws, so a service does not start with broken rules.
/// </summary>
public sealed class RulePackWatcher : IRulePackSource, IDisposable
{
    private readonly string _directory;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _time;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly Lock _reloadLock = new();
    private volatile RulePackSet _current;
    private volatile RulePackStatus _status;
    private bool _disposed;

    public RulePackWatcher(string rulesDirectory, TimeSpan? debounce = null, TimeProvider? time = null)
    {
        _directory = rulesDirectory;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(300);
        _time = time ?? TimeProvider.System;
        var readAt = _time.GetUtcNow();
        _current = RulePacks.Load(rulesDirectory);
        _status = new RulePackStatus(readAt, null);
        _timer = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(rulesDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.EnableRaisingEvents = true;
    }

    public RulePackSet Current => _current;

    public RulePackStatus Status => _status;

    /// <summary>Raised after the packs were replaced by a freshly loaded set.</summary>
    public event Action<RulePackSet>? Reloaded;

    /// <summary>Raised when a change could not be loaded; <see cref="Current"/> still holds the last good set.</summary>
    public event Action<RuleFileException>? ReloadFailed;

    /// <summary>The problem of the last reload, or null when it succeeded.</summary>
    public RuleFileException? LastError => _status.Error;

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        lock (_reloadLock)
        {
            if (!_disposed)
            {
                _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Loads the folder now; returns true when the new set is in use.</summary>
    public bool Reload()
    {
        RuleFileException? error = null;
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return false;
            }
            var readAt = _time.GetUtcNow();
            try
            {
                _current = RulePacks.Load(_directory);
                _status = new RulePackStatus(readAt, null);
            }
            catch (RuleFileException e)
            {
                error = e;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder renamed or locked while it is listed; the next change tries again.
                error = new RuleFileException(_directory, 0, 0, $"could not read the rules: {e.Message}", e);
            }
            if (error is not null)
            {
                _status = _status with { Error = error };
            }
        }
        if (error is not null)
        {
            ReloadFailed?.Invoke(error);
            return false;
        }
        Reloaded?.Invoke(_current);
        return true;
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            _disposed = true;
        }
        _watcher.Dispose();
        _timer.Dispose();
    }
}
