using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// Spans around grain-state reads, writes and clears of the Supply storage providers, on the ActivitySource
/// <c>Supply.Storage</c> (register it with OpenTelemetry: <c>.AddSource(StorageTracing.ActivitySourceName)</c>).
/// They nest under Orleans' own "read/write storage" spans (source <c>Microsoft.Orleans.Storage</c>) and show
/// the provider's share: for SQLite, the wait for the group commit. Tagged with the grain type and state name,
/// never the grain key or the state's contents.
/// </summary>
public static class StorageTracing
{
    public const string ActivitySourceName = "Supply.Storage";

    internal const string Sqlite = "sqlite";

    private static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    /// <summary>True when a listener (an OpenTelemetry tracer provider) wants these spans.</summary>
    internal static bool IsEnabled => Source.HasListeners();

    /// <summary>Starts "{provider} {operation}" (e.g. "sqlite write"); null when nobody samples it.</summary>
    internal static Activity? Start(string provider, string operation, string providerName, string stateName, GrainId grainId)
    {
        var activity = Source.StartActivity($"{provider} {operation}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", provider);
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("supply.storage.name", providerName); // the provider's registered name
            activity.SetTag("orleans.storage.state.name", stateName);
            activity.SetTag("orleans.grain.type", grainId.Type.ToString());
        }

        return activity;
    }

    internal static void Read(Activity? activity, bool found, long bytes)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        activity.SetTag("supply.storage.found", found);
        activity.SetTag("supply.storage.bytes", bytes);
    }

    internal static void Written(Activity? activity, long bytes, int batchSize = 0)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        activity.SetTag("supply.storage.bytes", bytes);
        if (batchSize > 0)
            activity.SetTag("supply.storage.batch_size", batchSize);
    }

    /// <summary>Marks the span failed (an ETag conflict is tagged as such); returns false, for use as an exception filter.</summary>
    internal static bool Failed(Activity? activity, Exception ex)
    {
        if (activity is null)
            return false;
        var conflict = ex is InconsistentStateException;
        activity.SetStatus(ActivityStatusCode.Error, conflict ? "ETag conflict" : ex.GetType().Name);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("error.type", ex.GetType().FullName);
            if (conflict)
                activity.SetTag("supply.storage.etag_conflict", true);
            activity.AddException(ex);
        }

        return false;
    }
}
