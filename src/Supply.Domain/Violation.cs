using System.Runtime.CompilerServices;

namespace Supply.Domain;

/// <summary>One reason a request was refused, naming the field at fault ("snapshot.lines[2].on_hand").</summary>
public sealed record Violation(string Field, string Description)
{
    public override string ToString() => $"{Field}: {Description}";
}

/// <summary>Collects violations while validating; paths use the public contract's field names.</summary>
public sealed class Violations
{
    private readonly List<Violation> _items = [];

    public IReadOnlyList<Violation> Items => _items;
    public bool Any => _items.Count > 0;

    public void Add(string field, string description) => _items.Add(new Violation(field, description));

    /// <summary>Adds a violation when the condition fails; returns the condition.</summary>
    public bool Check(bool ok, string field, string description)
    {
        if (!ok) Add(field, description);
        return ok;
    }

    // The same, with interpolated field paths and messages formatted only on failure.
    public bool Check(bool ok, [InterpolatedStringHandlerArgument("ok")] ref FailureText field,
        [InterpolatedStringHandlerArgument("ok")] ref FailureText description)
    {
        if (!ok) Add(field.Text(), description.Text());
        return ok;
    }

    public bool Check(bool ok, [InterpolatedStringHandlerArgument("ok")] ref FailureText field, string description)
    {
        if (!ok) Add(field.Text(), description);
        return ok;
    }

    public bool Check(bool ok, string field, [InterpolatedStringHandlerArgument("ok")] ref FailureText description)
    {
        if (!ok) Add(field, description.Text());
        return ok;
    }
}

/// <summary>Thrown when a request breaks a domain rule; the gRPC layer maps it to INVALID_ARGUMENT.</summary>
public sealed class DomainValidationException(IReadOnlyList<Violation> violations)
    : Exception("Invalid request: " + string.Join("; ", violations))
{
    public IReadOnlyList<Violation> Violations { get; } = violations;
}
