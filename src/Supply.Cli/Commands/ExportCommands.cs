using System.CommandLine;
using System.Text;
using System.Text.Json;
using Supply.Cli.Output;
using Supply.Cli.Transport;
using Supply.Exports;

namespace Supply.Cli.Commands;

/// <summary><c>supply situation --output FILE</c>: the national situation workbook (docs/exports.md).</summary>
internal static class ExportCommands
{
    public static Command Situation(CommandKit kit)
    {
        var days = new Option<double>("--days") { Description = "Shortfall threshold in days of supply", DefaultValueFactory = _ => 14, HelpName = "DAYS" };
        days.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (>= 0 and <= 3650)) r.AddError("--days must be between 0 and 3650"); });
        var output = new FileOutput(kit.JsonOption());
        output.Format.DefaultValueFactory = _ => "xlsx";
        var situation = new Command("situation",
            "The national situation workbook (xlsx): coverage per level, the worst shortfalls, who has not reported (national coordinators)")
            { days };
        situation.Add(output.Format);
        situation.Add(output.Output);
        situation.Add(output.Lang);
        kit.SetAction(situation, async (ctx, r, ct) =>
        {
            if (output.Refuse(ctx, r, onlyXlsx: true) is { } refused) return refused;
            using var conn = ctx.Connect();
            var input = await SituationReport.GatherAsync(new GrpcReads(conn), r.GetValue(days), Who(kit.Globals.TokenOrEnvironment(r)),
                ctx.ServerText, DateTimeOffset.UtcNow, ct);
            return await output.WriteWorkbookAsync(ctx, r, SituationReport.Build(input, output.LangOf(r)), ct);
        });
        return situation;
    }

    /// <summary>The token's subject (who the server knows the caller as), else the local user: for the cover sheet only.</summary>
    private static string Who(string? token)
    {
        var parts = token?.Split('.') ?? [];
        if (parts.Length == 3)
        {
            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
                using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
                if (json.RootElement.TryGetProperty("sub", out var sub) && sub.GetString() is { Length: > 0 } name) return name;
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
            {
                // not a JWT we can read: fall back to the local user
            }
        }
        return Environment.UserName;
    }
}
