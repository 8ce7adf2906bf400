using Supply.Gs1;

namespace Supply.Cli.Input;

/// <summary>
/// The optional <c>scan</c> column of report files: what a scanner read from a pack's GS1 DataMatrix (element string with
/// GS separators or parentheses, or a Digital Link URI). It fills item_id (<c>gtin:</c> and the 14 digits, when item_id is
/// empty), lot_number and expires_on; a column given as well must agree with the scan.
/// </summary>
internal static class ScanColumn
{
    public const string Name = "scan";

    /// <summary>The item id of a row whose scan was refused (not empty, so no second error says the item is missing).</summary>
    public const string Unreadable = "(unreadable scan)";

    /// <summary>
    /// item_id, lot_number and expires_on of the row, filled from its scan where the scan says more. A missing item id is
    /// the caller's to report, unless the scan itself was refused (<see cref="Unreadable"/>: one error per cause).
    /// </summary>
    public static (string ItemId, string Lot, string ExpiresOn) Read(InputRow row, CatalogFileReader.RowErrors e)
    {
        var (itemId, lot, expires) = (row["item_id"], row["lot_number"], row["expires_on"]);
        if (!row.Has(Name)) return (itemId, lot, expires);
        if (!Gs1Parser.TryParse(row[Name], out var scan, out var error))
        {
            e.Add(Name, $"not a GS1 payload: {error}");
            return (itemId.Length > 0 ? itemId : Unreadable, lot, expires);
        }
        if (scan.ItemId is { } scanned)
        {
            if (itemId.Length == 0) itemId = scanned;
            else if (itemId.StartsWith("gtin:", StringComparison.Ordinal) && Gtin.ToGtin14(itemId[5..]) != scan.Gtin)
                e.Add("item_id", $"is {itemId} but the scan says GTIN {scan.Gtin}");
        }
        if (scan.Batch is { } batch)
        {
            if (lot.Length > 0 && lot != batch) e.Add("lot_number", $"is {lot} but the scan says batch {batch}");
            lot = batch;
        }
        if (scan.Expiry is { } lastUse)
        {
            // GS1's expiry is the last day of use; Supply's expires_on the first day a lot may not be used.
            var firstDayNot = lastUse.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (expires.Length > 0 && expires != firstDayNot) e.Add("expires_on", $"is {expires} but the scan's expiry {lastUse:yyyy-MM-dd} makes it {firstDayNot}");
            expires = firstDayNot;
        }
        return (itemId, lot, expires);
    }
}
