using System.CommandLine;
using System.Globalization;
using System.Text;
using Supply.Cli.Input;
using Supply.Contracts.Mapping;
using Supply.Domain.Stock;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply report send FILE --location ID</c>.</summary>
internal static class ReportCommands
{
    public static Command Report(CommandKit kit)
    {
        var file = new Argument<FileInfo>("FILE")
        {
            Description = "CSV or JSON. Snapshot: " + string.Join(",", ReportFileReader.SnapshotColumns) +
                          " (one row per lot). Movements: " + string.Join(",", ReportFileReader.MovementColumns),
        };
        var location = new Option<string>("--location") { Description = "The location the report is for", Required = true, HelpName = "ID" };
        var asOf = new Option<string?>("--as-of")
        {
            Description = "When the counts were true (ISO 8601, e.g. 2025-03-01T08:00:00Z; no offset means UTC). Default: the file's modification time",
            HelpName = "ISO",
        };
        var reportId = new Option<string?>("--report-id")
        {
            Description = "Idempotency key. Default: cli-<hash of file content, location, as-of and kind>, so resending a file is harmless",
            HelpName = "ID",
        };
        var kind = new Option<string?>("--kind")
        {
            Description = "snapshot, physical-count or movements. Default: movements if the file has a 'type' column, else snapshot",
            HelpName = "KIND",
        };
        kind.AcceptOnlyFromAmong([.. Words.ReportKinds.Keys]);

        var send = new Command("send", "Send a stock report read from a file") { file, location, asOf, reportId, kind };
        kit.SetAction(send, async (ctx, r, ct) =>
        {
            var path = r.GetValue(file)!.FullName;
            var source = Path.GetFileName(path);
            if (!FileFormats.TryFromPath(path, out var format)) return ctx.InputError($"{source}: unknown file type; use a .csv or .json file");
            byte[] content;
            try { content = await File.ReadAllBytesAsync(path, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ctx.InputError($"cannot read {path}: {e.Message}"); }

            DateTimeOffset when;
            var asOfText = r.GetValue(asOf);
            if (asOfText is null) when = TruncateToSeconds(File.GetLastWriteTimeUtc(path));
            else if (!TryParseTime(asOfText, out when)) return ctx.InputError($"--as-of: '{asOfText}' is not an ISO 8601 time such as 2025-03-01T08:00:00Z");

            ReportKind? reportKind = Words.TryParse(Words.ReportKinds, r.GetValue(kind), out var k) ? k : null;
            var text = new UTF8Encoding(false).GetString(content);
            var parsed = ReportFileReader.Parse(text, format, reportKind, source);
            if (!parsed.Ok) return Failures.InputErrors(ctx, parsed.Errors, source);
            var body = parsed.Value!;

            var locationId = r.GetValue(location)!;
            var id = r.GetValue(reportId) ?? ReportIds.Derive(content, locationId, when, body.Kind);
            var report = body.ToReport(id, locationId, when);
            var problems = ReportFileReader.Check(report, body.Map, DateTimeOffset.UtcNow);
            if (problems.Count > 0) return Failures.InputErrors(ctx, problems, source);

            ctx.Out.WriteLine($"Sending {Words.Of(body.Kind)} {id} for {locationId}: {body.LineCount} lines, as of {when.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}" +
                              (asOfText is null ? " (file time)" : ""));
            using var conn = ctx.Connect();
            V1.ReportAck ack;
            try
            {
                var request = report.ToContract();
                ack = await conn.CallAsync(c => conn.Reporting.SubmitReportAsync(request, cancellationToken: c).ResponseAsync, ct);
            }
            catch (Exception e)
            {
                return Failures.Handle(e, ctx, body.Map.Describe);
            }
            return PrintAck(ctx, ack, body.Map);
        });

        return new Command("report", "Stock reports") { send };
    }

    internal static int PrintAck(CliContext ctx, V1.ReportAck ack, ReportLineMap? map = null)
    {
        if (ack.Outcome == V1.ReportOutcome.Rejected)
        {
            ctx.Err.WriteLine($"error: report {ack.ReportId} for {ack.LocationId} was rejected:");
            foreach (var v in ack.Violations)
                ctx.Err.WriteLine("  " + (map?.Describe(v.Field) ?? v.Field) + ": " + v.Description);
            return ExitCodes.ServerRefused;
        }
        ctx.Out.WriteLine($"  outcome: {QueryCommands.Outcome(ack.Outcome)}, lines applied: {ack.LinesApplied}, historical: {ack.LinesHistorical}, " +
                          $"duplicate: {(ack.Duplicate ? "yes (sent before; first acknowledgement shown)" : "no")}, location version: {ack.LocationVersion}");
        return ExitCodes.Ok;
    }

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ssK",
    ];

    /// <summary>ISO 8601 date or date-time ("2025-03-01", "2025-03-01T08:00:00Z", "2025-03-01T09:00+01:00"); without an offset it is UTC.</summary>
    internal static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text.Trim(), IsoFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    private static DateTimeOffset TruncateToSeconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
