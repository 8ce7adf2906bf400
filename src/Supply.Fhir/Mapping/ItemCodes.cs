using Supply.Domain.Catalog;
using Supply.Fhir.Model;
using Supply.Gs1;

namespace Supply.Fhir.Mapping;

/// <summary>What one coding says about a pack: the catalog item ids it may stand for and, from a GS1 scan, lot and expiry.</summary>
public sealed record CodedItem(IReadOnlyList<string> ItemIds, string? Lot, DateOnly? LastUseDay);

/// <summary>
/// Codings to Supply item ids and back, by the configured systems. Supply's items have no separate GTIN field: a
/// GTIN is the item id <c>gtin:</c> and its digits, so a GTIN coding matches the catalog entry with the same GTIN
/// written with 14 digits (as AI 01 carries it) or without its leading zeros (GTIN-13/12/8).
/// </summary>
public sealed class ItemCodes(FhirOptions options, DateOnly today)
{
    /// <summary>Null when the coding's system is not one Supply maps; an error text (with the position in the code) when it is but the code is bad.</summary>
    public CodedItem? Read(Coding coding, out string? error)
    {
        error = null;
        var system = coding.System;
        var code = coding.Code ?? "";
        if (system is null) return null;
        if (system == options.GtinSystem)
        {
            if (!Gtin.IsValid(code)) { error = $"'{Clip(code)}' is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)"; return new([], null, null); }
            return new(GtinItemIds(code), null, null);
        }
        if (system == options.NplPackIdSystem) return Scheme("npl", code, out error);
        if (system == options.VarunummerSystem) return Scheme("vnr", code, out error);
        if (system == options.ItemIdSystem)
        {
            if (!ItemId.IsValid(code, out var why)) { error = why; return new([], null, null); }
            return new([code], null, null);
        }
        if (system == options.Gs1BarcodeSystem)
        {
            if (!Gs1Parser.TryParse(code, out var data, out var gs1Error, today)) { error = $"GS1 payload {gs1Error}"; return new([], null, null); }
            return new(data.Gtin is null ? [] : GtinItemIds(data.Gtin), data.Batch, data.Expiry);
        }
        return null;
    }

    private static CodedItem Scheme(string scheme, string code, out string? error)
    {
        var id = $"{scheme}:{code}";
        error = ItemId.IsValid(id, out var why) ? null : why;
        return new(error is null ? [id] : [], null, null);
    }

    /// <summary>The spellings of a GTIN a catalog may use: as given, as GTIN-14, and without leading zeros down to 13, 12 and 8 digits.</summary>
    public static IReadOnlyList<string> GtinItemIds(string gtin)
    {
        var ids = new List<string> { "gtin:" + gtin };
        var full = Gtin.ToGtin14(gtin);
        foreach (var length in (int[])[14, 13, 12, 8])
            if (full.Length - length is var cut && full.AsSpan(0, cut).IndexOfAnyExcept('0') < 0 && !ids.Contains("gtin:" + full[cut..]))
                ids.Add("gtin:" + full[cut..]);
        return ids;
    }

    /// <summary>The coding Supply writes for one of its item ids, by its scheme.</summary>
    public Coding Write(string itemId, string? display)
    {
        var colon = itemId.IndexOf(':');
        var (scheme, value) = colon < 0 ? ("", itemId) : (itemId[..colon], itemId[(colon + 1)..]);
        return scheme switch
        {
            "gtin" => new Coding { System = options.GtinSystem, Code = value, Display = display },
            "npl" => new Coding { System = options.NplPackIdSystem, Code = value, Display = display },
            "vnr" => new Coding { System = options.VarunummerSystem, Code = value, Display = display },
            _ => new Coding { System = options.ItemIdSystem, Code = itemId, Display = display },
        };
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
