using Supply.Domain.Forecast;

/// <summary>
/// What the consumption history (docs/projection.md#history) costs per stock line, measured in this process: the managed
/// bytes retained by N histories of one shape, divided by N. The server holds one per location × item that has told
/// consumption; its shape depends on how the location reports.
/// </summary>
internal static class HistoryMemory
{
    public static void Print(int lines = 2_000)
    {
        var today = DateTimeOffset.UtcNow;
        Console.WriteLine("history memory: bytes retained per stock line (managed heap, " + lines.ToString("N0") + " lines each)");
        Measure("one snapshot, no period (this benchmark's data)", lines, h => h.RecordReported(today, 0, 12.5));
        Measure("one snapshot over 28 days", lines, h => h.RecordReported(today, 28, 12.5));
        Measure("a year of daily snapshots over 28 days", lines, h =>
        {
            for (var d = 364; d >= 0; d--) h.RecordReported(today.AddDays(-d), 28, 10 + d % 7);
        });
        Measure("a year of daily snapshots and consumed movements", lines, h =>
        {
            for (var d = 364; d >= 0; d--)
            {
                h.RecordReported(today.AddDays(-d), 1, 10 + d % 7);
                h.RecordConsumed(today.AddDays(-d), 9 + d % 5);
            }
        });
    }

    private static void Measure(string shape, int lines, Action<ConsumptionHistory> fill)
    {
        var kept = new ConsumptionHistory[lines];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < lines; i++) fill(kept[i] = new ConsumptionHistory());
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"  {shape,-52}: {(after - before) / (double)lines,8:N0} B per line (cells {kept[0].CellBytes:N0} B)");
        GC.KeepAlive(kept);
    }
}
