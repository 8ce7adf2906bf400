namespace Supply.Domain.Audit;

/// <summary>
/// One write attempt, kept forever: who sent what for which location, when, and what became of it.
/// Entries are appended, never changed; a resend is a new entry with outcome "duplicate".
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Caller,
    string Action,
    string LocationId,
    string ReportId,
    string Outcome,
    int Lines,
    long LocationVersion,
    string Detail)
{
    /// <summary>The caller's roles and scope (regions, suppliers) as they were when it called.</summary>
    public string Role { get; init; } = "";
    public string Scope { get; init; } = "";
}

/// <summary>The append-only audit log; implementations batch appends and return once they are stored.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Entries of one location (or all, when null) with From &lt;= At &lt; To, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

public sealed record AuditQuery(string? LocationId, DateTimeOffset From, DateTimeOffset To, int Limit);
