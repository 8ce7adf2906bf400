using System.Globalization;
using Supply.Exports;

namespace Supply.Server.Exports;

/// <summary>An export's query string, read with every problem collected by parameter name (the 400 body lists them all).</summary>
internal sealed class ExportQuery(IQueryCollection query, ContractTables tables)
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public ContractTables Tables { get; } = tables;

    public string Text(string name, string fallback = "") => query[name].ToString() is { Length: > 0 } v ? v.Trim() : fallback;

    public IReadOnlyList<string> Many(string name) =>
        query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices, string fallback)
    {
        var text = Text(name, fallback);
        if (choices.TryGetValue(text, out var value)) return value;
        _errors[name] = [$"'{text}' is not one of {string.Join(", ", choices.Keys)}"];
        return choices[fallback];
    }

    public double Number(string name, double fallback, double min, double max)
    {
        var text = Text(name);
        if (text.Length == 0) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max && double.IsFinite(n)) return n;
        _errors[name] = [$"'{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}"];
        return fallback;
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0) throw new InvalidException(_errors);
    }

    public sealed class InvalidException(Dictionary<string, string[]> errors)
        : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
    {
        public Dictionary<string, string[]> Errors { get; } = errors;
    }
}
