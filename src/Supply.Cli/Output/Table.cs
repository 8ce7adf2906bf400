using System.Globalization;

namespace Supply.Cli.Output;

/// <summary>A plain text table with aligned columns; numeric columns are right-aligned.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _right = [];
    private int? _separatorBefore;

    /// <summary>Right-aligns the named columns (numbers).</summary>
    public Table Right(params string[] columns)
    {
        foreach (var c in columns) _right.Add(Array.IndexOf(headers, c));
        return this;
    }

    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Adds a row under a rule line (totals).</summary>
    public void AddFooter(params string[] cells)
    {
        _separatorBefore = _rows.Count;
        _rows.Add(cells);
    }

    public int Count => _rows.Count;

    public void WriteTo(TextWriter w)
    {
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in _rows)
            for (var c = 0; c < widths.Length && c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        WriteRow(w, headers, widths);
        for (var r = 0; r < _rows.Count; r++)
        {
            if (_separatorBefore == r) w.WriteLine(string.Join("  ", widths.Select(x => new string('-', x))).TrimEnd());
            WriteRow(w, _rows[r], widths);
        }
    }

    private void WriteRow(TextWriter w, string[] cells, int[] widths)
    {
        var parts = new string[widths.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            var cell = c < cells.Length ? cells[c] : "";
            parts[c] = _right.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]);
        }
        w.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}

/// <summary>Formats numbers and times the same way everywhere.</summary>
public static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string N(long n) => n.ToString("#,0", Inv).Replace(',', ' ');

    public static string D(double d, int decimals = 1) =>
        d.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), Inv).Replace(',', ' ');

    /// <summary>UTC, minute precision: "2025-03-01 08:15Z".</summary>
    public static string Time(DateTimeOffset? t) => t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", Inv) : "-";

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? "-" : Time(Contracts.Mapping.ContractMapping.ToDateTimeOffset(t));

    /// <summary>"5m", "3h", "2d": how long ago.</summary>
    public static string Age(DateTimeOffset then, DateTimeOffset now)
    {
        var span = now - then;
        if (span < TimeSpan.Zero) return "future";
        if (span.TotalMinutes < 1) return "now";
        if (span.TotalHours < 1) return $"{(int)span.TotalMinutes}m";
        if (span.TotalDays < 2) return $"{(int)span.TotalHours}h";
        return $"{(int)span.TotalDays}d";
    }

    public static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
