using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Supply.Dashboard.Tables;

/// <summary>
/// Which table and with which parameters (level, area, region, days, ...), as a page asks for it and as its export
/// URL carries it: /export/{Table}.csv?{query}. Filter and sort travel along so a download matches the screen.
/// </summary>
public sealed record TableRequest(string Table, IReadOnlyDictionary<string, string> Parameters)
{
    public string Get(string name) => Parameters.TryGetValue(name, out var v) ? v : "";

    public double Number(string name, double fallback) =>
        double.TryParse(Get(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : fallback;

    public static TableRequest Of(string table, params (string Name, string? Value)[] parameters) =>
        new(table, parameters.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Name, p => p.Value!, StringComparer.Ordinal));

    public static TableRequest From(string table, IQueryCollection query) =>
        new(table, query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal));

    /// <summary>The export URL for <paramref name="format"/> ("csv" or "xlsx") with the page's filter and sort.</summary>
    public string ExportUrl(string format, string? filter = null, string? sort = null, bool descending = false)
    {
        var all = Parameters.Where(p => p.Key is not ("filter" or "sort" or "desc")).Select(p => (p.Key, p.Value)).ToList();
        if (!string.IsNullOrWhiteSpace(filter)) all.Add(("filter", filter.Trim()));
        if (!string.IsNullOrEmpty(sort)) all.Add(("sort", sort));
        if (descending) all.Add(("desc", "true"));
        return QueryString.Create(all.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2))) is var q && q.HasValue
            ? $"export/{Table}.{format}{q}" : $"export/{Table}.{format}";
    }
}
