using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Aspects.Policies;

/// <summary>The current policies of one <see cref="AspectRuntime"/> and the warnings about them.</summary>
internal sealed class PolicyStore
{
    private readonly ConcurrentDictionary<string, bool> _warnedMissing = new(StringComparer.OrdinalIgnoreCase);
    private PolicySnapshot _current;

    public PolicyStore(PolicySnapshot initial, ILoggerFactory loggerFactory)
    {
        _current = initial;
        Logger = loggerFactory.CreateLogger(PolicyLog.Category);
    }

    public ILogger Logger { get; }

    public PolicySnapshot Current => Volatile.Read(ref _current);

    public void Replace(PolicySnapshot snapshot) => Volatile.Write(ref _current, snapshot);

    /// <summary>Logs once per section and name that an attribute names a policy nobody defined.</summary>
    public void ReportMissing(string section, string name)
    {
        if (_warnedMissing.TryAdd(section + ":" + name, true))
        {
            PolicyLog.PolicyNotConfigured(Logger, section, name);
        }
    }
}
