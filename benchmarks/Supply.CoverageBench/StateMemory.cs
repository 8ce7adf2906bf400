using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

/// <summary>
/// Where a stock line's memory goes, measured in this process with the server's own domain code: the managed bytes
/// retained per line by a location's ledger (what an active location grain holds) and by the totals a region keeps of
/// each of its locations, for the same data as the load (every item, two in three with one or two lots). Strings are
/// made fresh per location, as the server's deserialization makes them.
/// </summary>
internal static class StateMemory
{
    public static void Print(int locations = 20, int items = 2_000)
    {
        var catalog = new CatalogBook();
        catalog.RegisterItems(Enumerable.Range(0, items)
            .Select(j => new Item(ItemIdOf(j), $"Item {j}", ItemCategory.Medicine, "st", 1, j % 4 == 0 ? $"grp-{j / 4}" : "", Criticality.Standard))
            .ToList());
        catalog.RegisterLocations(Enumerable.Range(0, locations)
            .Select(i => new Location($"mem-01-{i:D6}", $"Location {i}", LocationKind.Hospital, "01", "0180")).ToList());
        var asOf = DateTimeOffset.UtcNow.AddMinutes(-5);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lines = (double)locations * items;

        var ledgers = new LocationLedger[locations];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < locations; i++)
        {
            ledgers[i] = new LocationLedger { LocationId = $"mem-01-{i:D6}" };
            ledgers[i].Apply(ReportFor(ledgers[i].LocationId, items, asOf), catalog, DateTimeOffset.UtcNow);
        }
        var afterLedgers = GC.GetTotalMemory(forceFullCollection: true);

        var totals = new LocationTotals?[locations];
        for (var i = 0; i < locations; i++) totals[i] = Aggregates.TotalsOf(ledgers[i], catalog, today);
        var afterTotals = GC.GetTotalMemory(forceFullCollection: true);

        // The region's rows kept up to date (RegionRows): per (healthcare region, item or group), not per line; rows
        // read once, as a push does (the rows it returns are the nation's copy, not counted here).
        var rows = RegionRows.Of(totals.OfType<LocationTotals>());
        var rowCount = rows.ToRows().Count;
        var afterRows = GC.GetTotalMemory(forceFullCollection: true);

        Console.WriteLine($"state memory  : managed bytes retained per stock line ({locations} locations x {items:N0} items, measured here)");
        Console.WriteLine($"  location ledger (an active location grain, history included) : {(afterLedgers - before) / lines,6:N0} B per line");
        Console.WriteLine($"  a region's copy of the location's totals                   : {(afterTotals - afterLedgers) / lines,6:N0} B per line");
        Console.WriteLine($"  a region's rows kept up to date ({rowCount:N0} rows)              : {(afterRows - afterTotals) / lines,6:N0} B per line " +
                          $"({(afterRows - afterTotals) / (double)rowCount:N0} B per row; per line shrinks with locations per region, ~95 nationally)");
        GC.KeepAlive(rows);
        GC.KeepAlive(ledgers);
        GC.KeepAlive(totals);
    }

    private static string ItemIdOf(int j) => (j % 10) switch
    {
        8 => $"ppe:bench-{j}",
        9 => $"vnr:{100_000 + j:D6}",
        _ => $"npl:{20_000_000_000_001L + j}",
    };

    private static StockReport ReportFor(string locationId, int items, DateTimeOffset asOf)
    {
        var lines = new SnapshotLine[items];
        for (var j = 0; j < items; j++)
        {
            IReadOnlyList<LotInput> lots = (j % 3) switch
            {
                1 => [new LotInput($"B{j}-A", "2027-06-30", 20)],
                2 => [new LotInput($"B{j}-A", "2027-03-31", 20), new LotInput($"B{j}-B", "2028-01-31", 30)],
                _ => [],
            };
            // new string(...) so each location holds its own copies, as after deserialization.
            lines[j] = new SnapshotLine(new string(ItemIdOf(j).AsSpan()), 1_000 + j, 10, 5, lots, 1.5 + j % 5);
        }
        return new StockReport($"mem-{locationId}", locationId, asOf, ReportKind.Snapshot, lines, []);
    }
}
