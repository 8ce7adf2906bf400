using System.Globalization;
using System.Text.RegularExpressions;
using Supply.Domain;
using Supply.Domain.Catalog;

namespace Supply.Cli.Input;

/// <summary>
/// Reads catalog files (items, locations) from CSV or JSON into domain objects, checking every
/// row with the domain's own rules so a bad file is refused before anything is sent.
/// </summary>
/// <remarks>
/// Items: <c>id,name,category,base_unit,pack_size,substitution_group,criticality</c>
/// (pack_size, substitution_group and criticality may be left empty: 1, none, standard).
/// Locations: <c>id,name,kind,region_code,municipality_code</c> (municipality_code may be empty).
/// Enum values are words: medicine/equipment/ppe; life-saving/essential/important/standard;
/// hospital/regional-warehouse/municipal-care/national-stockpile/pharmacy/supplier.
/// </remarks>
public static partial class CatalogFileReader
{
    public static readonly string[] ItemColumns = ["id", "name", "category", "base_unit", "pack_size", "substitution_group", "criticality"];
    public static readonly string[] LocationColumns = ["id", "name", "kind", "region_code", "municipality_code"];

    /// <summary>The parsed entries with the file line of each (for naming lines in server replies).</summary>
    public sealed record Entries<T>(IReadOnlyList<T> Values, IReadOnlyList<int> Lines) where T : class;

    public static ReadResult<Entries<Item>> ReadItems(string path) =>
        ReadFile(path, (text, format, source) => ParseItems(text, format, source));

    public static ReadResult<Entries<Location>> ReadLocations(string path) =>
        ReadFile(path, (text, format, source) => ParseLocations(text, format, source));

    public static ReadResult<Entries<Item>> ParseItems(string text, FileFormat format, string source = "input")
    {
        var table = TabularFile.Parse(text, format, source, ["id", "name", "category", "base_unit"],
            ["pack_size", "substitution_group", "criticality"]);
        if (!table.Ok) return ReadResult<Entries<Item>>.Failure(table.Errors);
        return MapRows(table.Value!, source, ItemColumns, (row, errors) =>
        {
            var category = ItemCategory.Unspecified;
            if (!row.Has("category")) errors.Add("category", $"is required: {Words.List(Words.Categories)}");
            else if (!Words.TryParse(Words.Categories, row["category"], out category))
                errors.Add("category", $"'{row["category"]}' is not a category; use {Words.List(Words.Categories)}");
            var criticality = Criticality.Unspecified;
            if (row.Has("criticality") && !Words.TryParse(Words.Criticalities, row["criticality"], out criticality))
                errors.Add("criticality", $"'{row["criticality"]}' is not a criticality; use {Words.List(Words.Criticalities)}");
            var packSize = 0;
            if (row.Has("pack_size") && !int.TryParse(row["pack_size"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out packSize))
                errors.Add("pack_size", $"'{row["pack_size"]}' is not a whole number");
            var item = new Item(row["id"], row["name"], category, row["base_unit"], packSize, row["substitution_group"], criticality);
            var v = new Violations();
            Item.Validate(item, "row", v);
            errors.AddDomain(v);
            return item;
        }, i => i.Id);
    }

    public static ReadResult<Entries<Location>> ParseLocations(string text, FileFormat format, string source = "input")
    {
        var table = TabularFile.Parse(text, format, source, ["id", "name", "kind", "region_code"], ["municipality_code"]);
        if (!table.Ok) return ReadResult<Entries<Location>>.Failure(table.Errors);
        return MapRows(table.Value!, source, LocationColumns, (row, errors) =>
        {
            var kind = LocationKind.Unspecified;
            if (!row.Has("kind")) errors.Add("kind", $"is required: {Words.List(Words.LocationKinds)}");
            else if (!Words.TryParse(Words.LocationKinds, row["kind"], out kind))
                errors.Add("kind", $"'{row["kind"]}' is not a location kind; use {Words.List(Words.LocationKinds)}");
            // A spreadsheet may have dropped the leading zero of "01" or "0180".
            var region = row["region_code"].Length == 1 ? "0" + row["region_code"] : row["region_code"];
            var municipality = row["municipality_code"].Length == 3 ? "0" + row["municipality_code"] : row["municipality_code"];
            var location = new Location(row["id"], row["name"], kind, region, municipality);
            var v = new Violations();
            Location.Validate(location, "row", v);
            errors.AddDomain(v);
            return location;
        }, l => l.Id);
    }

    /// <summary>Errors of one row; domain violations for a column already reported are left out.</summary>
    internal sealed class RowErrors(string source, int line, List<InputError> sink)
    {
        private readonly HashSet<string> _columns = new(StringComparer.Ordinal);

        public void Add(string column, string message)
        {
            _columns.Add(column);
            sink.Add(new InputError(source, line, column, message));
        }

        /// <summary>Adds violations from the domain rules, whose fields are "row.&lt;column&gt;".</summary>
        public void AddDomain(Violations v)
        {
            foreach (var violation in v.Items)
            {
                var column = violation.Field.StartsWith("row.", StringComparison.Ordinal) ? violation.Field[4..] : violation.Field;
                if (_columns.Contains(column)) continue;
                Add(column, violation.Description);
            }
        }
    }

    private static ReadResult<Entries<T>> MapRows<T>(
        IReadOnlyList<InputRow> rows, string source, string[] columns, Func<InputRow, RowErrors, T> map, Func<T, string> key)
        where T : class
    {
        var errors = new List<InputError>();
        if (rows.Count == 0)
            return ReadResult<Entries<T>>.Failure(new InputError(source, 0, null, $"no rows; expected {string.Join(",", columns)}"));
        if (rows.Count > Limits.MaxLinesPerReport)
            return ReadResult<Entries<T>>.Failure(new InputError(source, 0, null,
                $"{rows.Count} rows; at most {Limits.MaxLinesPerReport} per request — split the file"));
        var values = new List<T>(rows.Count);
        var lines = new List<int>(rows.Count);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var rowErrors = new RowErrors(source, row.Line, errors);
            var value = map(row, rowErrors);
            var id = key(value);
            if (id.Length > 0 && !firstLine.TryAdd(id, row.Line))
                rowErrors.Add("id", $"'{id}' is already on line {firstLine[id]}");
            values.Add(value);
            lines.Add(row.Line);
        }
        return errors.Count > 0 ? ReadResult<Entries<T>>.Failure(errors) : ReadResult<Entries<T>>.Success(new Entries<T>(values, lines));
    }

    internal static ReadResult<T> ReadFile<T>(string path, Func<string, FileFormat, string, ReadResult<T>> parse) where T : class
    {
        var source = Path.GetFileName(path);
        if (!FileFormats.TryFromPath(path, out var format))
            return ReadResult<T>.Failure(new InputError(source, 0, null, "unknown file type; use a .csv or .json file"));
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ReadResult<T>.Failure(new InputError(path, 0, null, $"cannot read the file: {e.Message}"));
        }
        return parse(text, format, source);
    }

    /// <summary>Maps a server field path such as "items[3].name" to the file line of entry 3 and its column.</summary>
    public static (int Line, string? Column) Locate(string field, IReadOnlyList<int> lines)
    {
        var m = EntryPath().Match(field);
        if (!m.Success) return (0, null);
        var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var line = index < lines.Count ? lines[index] : 0;
        return (line, m.Groups[2].Success ? m.Groups[2].Value : null);
    }

    [GeneratedRegex(@"^\w+\[(\d+)\](?:\.(\w+))?$")]
    private static partial Regex EntryPath();
}
