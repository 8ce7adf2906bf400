using System.CommandLine;
using Google.Protobuf;
using Supply.Exports;

namespace Supply.Cli.Output;

/// <summary>
/// --format table|json|csv|xlsx, --output FILE and --lang sv|en of the commands that export (docs/exports.md). Tables for
/// csv and xlsx come from src/Supply.Exports, built from the gRPC reply, so they match the server's /v1/exports files.
/// CSV is RFC 4180 data (",", "." decimals, UTF-8 with BOM); xlsx needs --output (a binary file is not for a terminal).
/// </summary>
internal sealed class FileOutput
{
    public Option<string> Format { get; } = new("--format")
    {
        Description = "table (default), json, csv or xlsx (xlsx needs --output)",
        HelpName = "table|json|csv|xlsx",
        DefaultValueFactory = _ => "table",
    };

    public Option<FileInfo?> Output { get; } = new("--output") { Description = "Write to this file instead of the terminal", HelpName = "FILE" };

    public Option<string> Lang { get; } = new("--lang")
    {
        Description = "Language of csv/xlsx headers and sheet names: sv (default) or en",
        HelpName = "sv|en",
        DefaultValueFactory = _ => "sv",
    };

    private readonly Option<bool> _json;

    public FileOutput(Option<bool> json)
    {
        _json = json;
        Format.AcceptOnlyFromAmong("table", "json", "csv", "xlsx");
        Lang.AcceptOnlyFromAmong("sv", "en");
    }

    public void AddTo(Command command)
    {
        command.Add(_json);
        command.Add(Format);
        command.Add(Output);
        command.Add(Lang);
    }

    /// <summary>--json is the older spelling of --format json.</summary>
    public string FormatOf(ParseResult r) => r.GetValue(_json) ? "json" : r.GetValue(Format) ?? "table";

    public ExportLanguage LangOf(ParseResult r) => Headers.Parse(r.GetValue(Lang)) ?? ExportLanguage.Sv;

    /// <summary>Whether the file has a supply-name column to fill (csv, xlsx): then the caller reads the catalog's names.</summary>
    public bool NeedsNames(ParseResult r) => FormatOf(r) is "csv" or "xlsx";

    /// <summary>Refusals before anything is asked of the server (exit 1); null when the options fit together.</summary>
    public int? Refuse(CliContext ctx, ParseResult r, bool onlyXlsx = false)
    {
        var format = FormatOf(r);
        if (onlyXlsx && format != "xlsx") return ctx.InputError($"this command writes an xlsx workbook only (--format {format} was given)");
        if (format == "xlsx" && r.GetValue(Output) is null)
            return ctx.InputError("--format xlsx writes a binary file: give --output FILE (it is not printed to the terminal)");
        return null;
    }

    /// <summary>Writes the reply as the format asks: table (by <paramref name="printTable"/>), JSON, one CSV table, or a workbook.</summary>
    public async Task<int> WriteAsync(CliContext ctx, ParseResult r, IMessage reply, Func<ContractTables, Workbook> tables,
        Action<TextWriter> printTable, IReadOnlyDictionary<string, string>? itemNames, CancellationToken ct)
    {
        var format = FormatOf(r);
        var file = r.GetValue(Output);
        var build = new ContractTables(LangOf(r), itemNames);
        try
        {
            switch (format)
            {
                case "xlsx":
                    await WriteFileAsync(file!, stream => tables(build).SaveAsync(stream, ct));
                    break;
                case "csv":
                    var table = tables(build).Tables[0];
                    if (file is null) await ctx.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(TableExport.Csv(table, CsvDialect.Data)).TrimStart('\uFEFF'));
                    else await WriteFileAsync(file, stream => TableExport.WriteCsvAsync(table, stream, CsvDialect.Data, ct));
                    break;
                default:
                    await WriteTextAsync(ctx, file, w => { if (format == "json") JsonOut.Write(w, reply); else printTable(w); });
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ctx.InputError($"cannot write {file?.FullName}: {e.Message}");
        }
        if (file is not null) ctx.Err.WriteLine($"wrote {file.FullName}");
        return ExitCodes.Ok;
    }

    /// <summary>Writes a workbook to --output (the situation report).</summary>
    public async Task<int> WriteWorkbookAsync(CliContext ctx, ParseResult r, Workbook workbook, CancellationToken ct)
    {
        var file = r.GetValue(Output)!;
        try { await WriteFileAsync(file, stream => workbook.SaveAsync(stream, ct)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ctx.InputError($"cannot write {file.FullName}: {e.Message}");
        }
        ctx.Err.WriteLine($"wrote {file.FullName}");
        return ExitCodes.Ok;
    }

    private static async Task WriteTextAsync(CliContext ctx, FileInfo? file, Action<TextWriter> write)
    {
        if (file is null) { write(ctx.Out); return; }
        await using var writer = new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false));
        write(writer);
    }

    // The whole file or none: written beside the target, then moved over it.
    private static async Task WriteFileAsync(FileInfo file, Func<Stream, Task> write)
    {
        var temp = file.FullName + ".partial";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write)) await write(stream);
            File.Move(temp, file.FullName, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
