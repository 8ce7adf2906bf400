using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Cli.Input;

/// <summary>The lines of a report file, ready to be put in a <see cref="StockReport"/>, and where each came from.</summary>
public sealed record ParsedReport(
    ReportKind Kind, IReadOnlyList<SnapshotLine> SnapshotLines, IReadOnlyList<MovementLine> Movements, ReportLineMap Map)
{
    public int LineCount => Kind == ReportKind.Movements ? Movements.Count : SnapshotLines.Count;

    public StockReport ToReport(string reportId, string locationId, DateTimeOffset asOf) =>
        new(reportId, locationId, asOf, Kind, SnapshotLines, Movements);
}

/// <summary>Maps the contract's field paths ("snapshot.lines[2].lots[1].expires_on") back to file lines and columns.</summary>
public sealed partial class ReportLineMap(string source, IReadOnlyList<int> lines, IReadOnlyList<IReadOnlyList<int>> lotLines)
{
    public string Source { get; } = source;

    /// <summary>Line 0 means the report as a whole; options are named "--as-of", "--report-id", "--location".</summary>
    public (int Line, string? Column) Locate(string field)
    {
        switch (field)
        {
            case "as_of": return (0, "--as-of");
            case "report_id": return (0, "--report-id");
            case "location_id": return (0, "--location");
        }
        var m = LinePath().Match(field);
        if (!m.Success) return (0, null);
        var index = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var line = index < lines.Count ? lines[index] : 0;
        var column = m.Groups[4].Success ? m.Groups[4].Value : null;
        if (m.Groups[3].Success)
        {
            var lot = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            if (index < lotLines.Count && lot < lotLines[index].Count) line = lotLines[index][lot];
            if (column == "quantity") column = "lot_quantity";
        }
        else if (column == "lots") column = "lot_quantity";
        else if (column == "counterparty_location_id") column = "counterparty";
        return (line, column);
    }

    public InputError ToError(Violation v)
    {
        var (line, column) = Locate(v.Field);
        return new InputError(Source, line, column ?? (line == 0 ? v.Field : null), v.Description);
    }

    /// <summary>"snapshot.lines[2].on_hand" → "stock.csv:4: on_hand"; "as_of" → "--as-of"; unknown paths stay as they are.</summary>
    public string Describe(string field)
    {
        var (line, column) = Locate(field);
        if (line == 0) return column ?? field;
        return column is null ? $"{Source}:{line}" : $"{Source}:{line}: {column}";
    }

    [GeneratedRegex(@"^(snapshot|movements)\.lines\[(\d+)\](?:\.lots\[(\d+)\])?(?:\.(\w+))?$")]
    private static partial Regex LinePath();
}

/// <summary>
/// Reads stock report files (CSV with a header row, or a JSON array of objects with the same names).
/// </summary>
/// <remarks>
/// Snapshot and physical count: <c>item_id,on_hand,reserved,quarantined,lot_number,expires_on,lot_quantity,average_daily_consumption</c>.
/// An item may take several rows, one per lot; its on_hand, reserved, quarantined and
/// average_daily_consumption are given on its first row (later rows leave them empty or repeat them).
/// Only item_id and on_hand are required columns.
/// <para>Movements: <c>item_id,type,quantity,lot_number,expires_on,reason_code,counterparty</c>; type is
/// received, consumed, adjusted, transferred-in, transferred-out or discarded.</para>
/// Without an explicit kind, a file with a <c>type</c> column is movements, otherwise a snapshot.
/// </remarks>
public static class ReportFileReader
{
    public static readonly string[] SnapshotColumns =
        ["item_id", "on_hand", "reserved", "quarantined", "lot_number", "expires_on", "lot_quantity", "average_daily_consumption", ScanColumn.Name];
    public static readonly string[] MovementColumns =
        ["item_id", "type", "quantity", "lot_number", "expires_on", "reason_code", "counterparty", ScanColumn.Name];

    public static ReadResult<ParsedReport> Read(string path, ReportKind? kind) =>
        CatalogFileReader.ReadFile(path, (text, format, source) => Parse(text, format, kind, source));

    public static ReadResult<ParsedReport> Parse(string text, FileFormat format, ReportKind? kind, string source = "input")
    {
        var k = kind ?? DetectKind(text, format);
        return k == ReportKind.Movements ? ParseMovements(text, format, source) : ParseSnapshot(text, format, k, source);
    }

    /// <summary>Movements when the header (or the first JSON object) has a "type" column; otherwise a snapshot.</summary>
    public static ReportKind DetectKind(string text, FileFormat format)
    {
        try
        {
            if (format == FileFormat.Json)
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                var first = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().FirstOrDefault() : default;
                return first.ValueKind == JsonValueKind.Object && first.EnumerateObject().Any(p => p.Name.Trim().Equals("type", StringComparison.OrdinalIgnoreCase))
                    ? ReportKind.Movements : ReportKind.Snapshot;
            }
            var header = CsvReader.Read(text).FirstOrDefault();
            return header is not null && header.Fields.Any(f => f.Trim().Equals("type", StringComparison.OrdinalIgnoreCase))
                ? ReportKind.Movements : ReportKind.Snapshot;
        }
        catch (Exception e) when (e is JsonException or CsvSyntaxException)
        {
            return ReportKind.Snapshot; // the parse proper reports the syntax error with its line
        }
    }

    private sealed class ItemRows(int line, long onHand, long reserved, long quarantined, double adc)
    {
        public int Line { get; } = line;
        public long OnHand { get; } = onHand;
        public long Reserved { get; } = reserved;
        public long Quarantined { get; } = quarantined;
        public double Adc { get; } = adc;
        public List<LotInput> Lots { get; } = [];
        public List<int> LotLines { get; } = [];
    }

    private static ReadResult<ParsedReport> ParseSnapshot(string text, FileFormat format, ReportKind kind, string source)
    {
        var table = TabularFile.Parse(text, format, source, ["on_hand"], SnapshotColumns.Except(["on_hand"]).ToList());
        if (!table.Ok) return ReadResult<ParsedReport>.Failure(table.Errors);
        var errors = new List<InputError>();
        var items = new Dictionary<string, ItemRows>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in table.Value!)
        {
            var e = new CatalogFileReader.RowErrors(source, row.Line, errors);
            var (itemId, scannedLot, scannedExpiry) = ScanColumn.Read(row, e);
            if (itemId.Length == 0) { e.Add("item_id", "is required (or a GS1 scan with a GTIN)"); continue; }
            if (itemId == ScanColumn.Unreadable) continue; // refused already; grouping it with other rows would only add noise
            var onHand = Long(row, "on_hand", e);
            var reserved = Long(row, "reserved", e);
            var quarantined = Long(row, "quarantined", e);
            var adc = Double(row, "average_daily_consumption", e);

            var isNew = !items.TryGetValue(itemId, out var entry);
            if (isNew)
            {
                if (!row.Has("on_hand")) e.Add("on_hand", "is required on the first row of an item");
                entry = new ItemRows(row.Line, onHand ?? 0, reserved ?? 0, quarantined ?? 0, adc ?? 0);
                items.Add(itemId, entry);
                order.Add(itemId);
            }
            else
            {
                Same(e, "on_hand", onHand, entry!.OnHand, entry.Line);
                Same(e, "reserved", reserved, entry.Reserved, entry.Line);
                Same(e, "quarantined", quarantined, entry.Quarantined, entry.Line);
                if (adc is { } a && a != entry.Adc)
                    e.Add("average_daily_consumption", $"is {Fmt(a)} here but {Fmt(entry.Adc)} on line {entry.Line}, the first row of '{itemId}'");
            }

            var lotNumber = scannedLot;
            var expires = scannedExpiry;
            var lotQuantity = Long(row, "lot_quantity", e);
            if (lotNumber.Length == 0)
            {
                if (expires.Length > 0 || row.Has("lot_quantity"))
                    e.Add("lot_number", "is required when expires_on or lot_quantity is given");
                else if (!isNew)
                    e.Add("lot_number", $"'{itemId}' is already on line {entry!.Line}; a further row of an item must give another lot");
                continue;
            }
            if (expires.Length == 0) e.Add("expires_on", "is required with a lot (YYYY-MM-DD)");
            else if (!ReportValidator.TryParseDate(expires, out _)) e.Add("expires_on", $"'{expires}' is not a date (YYYY-MM-DD)");
            if (!row.Has("lot_quantity")) e.Add("lot_quantity", "is required with a lot");
            var previous = entry!.Lots.FindIndex(l => l.LotNumber == lotNumber);
            if (previous >= 0) e.Add("lot_number", $"lot '{lotNumber}' of '{itemId}' is already on line {entry.LotLines[previous]}");
            entry.Lots.Add(new LotInput(lotNumber, expires, lotQuantity ?? 0));
            entry.LotLines.Add(row.Line);
        }
        if (errors.Count > 0) return ReadResult<ParsedReport>.Failure(errors);
        if (order.Count == 0) return ReadResult<ParsedReport>.Failure(new InputError(source, 0, null, "no rows; a report needs at least one line"));

        var lines = order.Select(id =>
        {
            var x = items[id];
            return new SnapshotLine(id, x.OnHand, x.Reserved, x.Quarantined, x.Lots, x.Adc);
        }).ToList();
        var map = new ReportLineMap(source, order.Select(id => items[id].Line).ToList(),
            order.Select(id => (IReadOnlyList<int>)items[id].LotLines).ToList());
        return ReadResult<ParsedReport>.Success(new ParsedReport(kind, lines, [], map));
    }

    private static ReadResult<ParsedReport> ParseMovements(string text, FileFormat format, string source)
    {
        var table = TabularFile.Parse(text, format, source, ["type", "quantity"],
            ["item_id", "lot_number", "expires_on", "reason_code", "counterparty", ScanColumn.Name],
            new Dictionary<string, string> { ["counterparty_location_id"] = "counterparty" });
        if (!table.Ok) return ReadResult<ParsedReport>.Failure(table.Errors);
        var errors = new List<InputError>();
        var movements = new List<MovementLine>();
        var lines = new List<int>();
        foreach (var row in table.Value!)
        {
            var e = new CatalogFileReader.RowErrors(source, row.Line, errors);
            var (itemId, lot, expires) = ScanColumn.Read(row, e);
            if (itemId.Length == 0) e.Add("item_id", "is required (or a GS1 scan with a GTIN)");
            var type = MovementType.Unspecified;
            if (!row.Has("type")) e.Add("type", $"is required: {Words.List(Words.MovementTypes)}");
            else if (!Words.TryParse(Words.MovementTypes, row["type"], out type))
                e.Add("type", $"'{row["type"]}' is not a movement type; use {Words.List(Words.MovementTypes)}");
            if (!row.Has("quantity")) e.Add("quantity", "is required");
            var quantity = Long(row, "quantity", e);
            movements.Add(new MovementLine(itemId, type, quantity ?? 0, lot, expires,
                row["reason_code"], row["counterparty"]));
            lines.Add(row.Line);
        }
        if (errors.Count > 0) return ReadResult<ParsedReport>.Failure(errors);
        if (movements.Count == 0) return ReadResult<ParsedReport>.Failure(new InputError(source, 0, null, "no rows; a report needs at least one line"));
        return ReadResult<ParsedReport>.Success(new ParsedReport(ReportKind.Movements, [], movements, new ReportLineMap(source, lines, [])));
    }

    /// <summary>
    /// The domain's own report rules, applied before sending (everything but the catalog look-ups,
    /// which only the server can do). Each violation names the file line and column.
    /// </summary>
    public static IReadOnlyList<InputError> Check(StockReport report, ReportLineMap map, DateTimeOffset now) =>
        ReportValidator.Validate(report, AnyCatalog.Instance, now).Select(map.ToError).ToList();

    /// <summary>A catalog that knows every item and location: the client cannot know the server's catalog.</summary>
    private sealed class AnyCatalog : ICatalogView
    {
        public static readonly AnyCatalog Instance = new();
        private static readonly Item Any = new("ppe:any", "any", ItemCategory.Ppe, "piece", 1, "", Criticality.Standard);
        private static readonly Location Somewhere = new("any", "any", LocationKind.Hospital, "01", "");
        public long Version => 0;
        public bool TryGetItem(string id, out Item item) { item = Any; return true; }
        public bool TryGetLocation(string id, out Location location) { location = Somewhere; return true; }
    }

    private static long? Long(InputRow row, string column, CatalogFileReader.RowErrors e)
    {
        if (!row.Has(column)) return null;
        if (long.TryParse(row[column], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        e.Add(column, $"'{row[column]}' is not a whole number");
        return null;
    }

    private static double? Double(InputRow row, string column, CatalogFileReader.RowErrors e)
    {
        if (!row.Has(column)) return null;
        if (double.TryParse(row[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
        e.Add(column, $"'{row[column]}' is not a number (use a decimal point: 12.5)");
        return null;
    }

    private static void Same(CatalogFileReader.RowErrors e, string column, long? value, long first, int firstLine)
    {
        if (value is { } v && v != first)
            e.Add(column, $"is {v} here but {first} on line {firstLine}, the first row of this item; give it once or repeat it");
    }

    private static string Fmt(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
}
