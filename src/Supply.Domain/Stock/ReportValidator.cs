using System.Globalization;
using Supply.Domain.Catalog;

namespace Supply.Domain.Stock;

/// <summary>
/// Checks a report against the contract and the catalog. Every refusal names the field at fault,
/// using the public contract's paths ("snapshot.lines[3].lots[0].expires_on").
/// </summary>
public static class ReportValidator
{
    public static IReadOnlyList<Violation> Validate(StockReport report, ICatalogView catalog, DateTimeOffset now)
    {
        var v = new Violations();
        CheckHeader(report, v);
        if (LocationId.IsValid(report.LocationId, out _))
            v.Check(catalog.TryGetLocation(report.LocationId, out _), "location_id", $"unknown location '{Text.Clip(report.LocationId)}'; register it first");

        if (report.AsOf is not { } asOf) v.Add("as_of", "is required");
        else if (asOf > now + Limits.ClockSkew) v.Add("as_of", $"{asOf:O} is in the future (server time {now:O})");
        else v.Check(asOf >= Limits.EarliestAsOf, "as_of", $"must not be before {Limits.EarliestAsOf:yyyy-MM-dd}");

        switch (report.Kind)
        {
            case ReportKind.Snapshot or ReportKind.PhysicalCount:
                CheckSnapshot(report.SnapshotLines, catalog, v);
                break;
            case ReportKind.Movements:
                CheckMovements(report.Movements, catalog, v);
                break;
            default:
                v.Add("body", "a report needs either a snapshot or movements");
                break;
        }
        return v.Items;
    }

    /// <summary>The checks that need no catalog: enough to look up a resent report id safely.</summary>
    public static void CheckHeader(StockReport report, Violations v)
    {
        if (string.IsNullOrWhiteSpace(report.ReportId)) v.Add("report_id", "is required");
        else v.Check(report.ReportId.Length <= Limits.MaxReportIdLength && Text.IsPrintable(report.ReportId), "report_id",
            $"must be 1-{Limits.MaxReportIdLength} printable characters");
        if (!LocationId.IsValid(report.LocationId, out var why)) v.Add("location_id", why);
    }

    private static void CheckSnapshot(IReadOnlyList<SnapshotLine> lines, ICatalogView catalog, Violations v)
    {
        if (!CheckLineCount(lines.Count, "snapshot.lines", v)) return;
        var seen = new HashSet<string>(lines.Count, StringComparer.Ordinal);
        for (var i = 0; i < lines.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            // Paths and messages below are formatted only when a check fails (see FailureText).
            var line = lines[i];
            if (CheckItem(line.ItemId, i, "snapshot", catalog, v))
                v.Check(seen.Add(line.ItemId), $"snapshot.lines[{i}].item_id", $"'{line.ItemId}' is listed twice in this snapshot");
            var quantitiesOk = CheckQuantity(line.OnHand, i, "on_hand", v)
                & CheckQuantity(line.Reserved, i, "reserved", v)
                & CheckQuantity(line.Quarantined, i, "quarantined", v);
            if (quantitiesOk)
                v.Check(line.Reserved + line.Quarantined <= line.OnHand, $"snapshot.lines[{i}].reserved",
                    "reserved plus quarantined must not exceed on_hand (both are part of it)");
            v.Check(double.IsFinite(line.AverageDailyConsumption) && line.AverageDailyConsumption >= 0
                    && line.AverageDailyConsumption <= Limits.MaxQuantity,
                $"snapshot.lines[{i}].average_daily_consumption", "must be a finite number, zero or more");
            CheckConsumptionPeriod(line, i, v);
            if (line.Lots.Count > 0) CheckLots(line, i, quantitiesOk, v);
        }
    }

    /// <summary>The period the average covers and the stock-out days in it (docs/reports.md#consumption).</summary>
    private static void CheckConsumptionPeriod(SnapshotLine line, int i, Violations v)
    {
        var periodOk = v.Check(line.ConsumptionPeriodDays is >= 0 and <= Limits.MaxConsumptionPeriodDays,
            $"snapshot.lines[{i}].consumption_period_days", $"must be 0 (not said) to {Limits.MaxConsumptionPeriodDays} days");
        if (!v.Check(line.StockoutDays >= 0, $"snapshot.lines[{i}].stockout_days", $"must not be negative (got {line.StockoutDays})")
            || !periodOk) return;
        if (line.StockoutDays > 0)
            v.Check(line.ConsumptionPeriodDays > 0 && line.StockoutDays <= line.ConsumptionPeriodDays, $"snapshot.lines[{i}].stockout_days",
                $"must not exceed consumption_period_days ({line.ConsumptionPeriodDays}); give the period the average covers");
    }

    private static void CheckLots(SnapshotLine line, int i, bool onHandOk, Violations v)
    {
        if (!v.Check(line.Lots.Count <= Limits.MaxLotsPerLine, $"snapshot.lines[{i}].lots", $"at most {Limits.MaxLotsPerLine} lots per line")) return;
        // Most lines have one or two lots: compare directly instead of building a set.
        HashSet<string>? lotNumbers = line.Lots.Count > 4 ? new HashSet<string>(StringComparer.Ordinal) : null;
        long sum = 0;
        var sumOk = true;
        for (var j = 0; j < line.Lots.Count; j++)
        {
            var lot = line.Lots[j];
            if (v.Check(Text.IsToken(lot.LotNumber, Limits.MaxLotNumberLength), $"snapshot.lines[{i}].lots[{j}].lot_number",
                    $"is required: 1-{Limits.MaxLotNumberLength} printable characters without spaces"))
            {
                var unique = lotNumbers?.Add(lot.LotNumber) ?? !ListedBefore(line.Lots, j);
                v.Check(unique, $"snapshot.lines[{i}].lots[{j}].lot_number", $"lot '{lot.LotNumber}' is listed twice");
            }
            if (lot.ExpiresOn.Length == 0) v.Add($"snapshot.lines[{i}].lots[{j}].expires_on", "is required (YYYY-MM-DD)");
            else v.Check(TryParseDate(lot.ExpiresOn, out _), $"snapshot.lines[{i}].lots[{j}].expires_on", $"'{Text.Clip(lot.ExpiresOn)}' is not a date (YYYY-MM-DD)");
            if (v.Check(lot.Quantity >= 0, $"snapshot.lines[{i}].lots[{j}].quantity", $"must not be negative (got {lot.Quantity})")
                && v.Check(lot.Quantity <= Limits.MaxQuantity, $"snapshot.lines[{i}].lots[{j}].quantity", $"must not exceed {Limits.MaxQuantity}"))
                sum += lot.Quantity;
            else sumOk = false;
        }
        if (onHandOk && sumOk)
            v.Check(sum <= line.OnHand, $"snapshot.lines[{i}].lots", $"lot quantities add up to {sum}, more than on_hand {line.OnHand}");
    }

    private static bool ListedBefore(IReadOnlyList<LotInput> lots, int j)
    {
        for (var k = 0; k < j; k++)
            if (string.Equals(lots[k].LotNumber, lots[j].LotNumber, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool CheckQuantity(long q, int line, string field, Violations v) =>
        v.Check(q >= 0, $"snapshot.lines[{line}].{field}", $"must not be negative (got {q})")
        && v.Check(q <= Limits.MaxQuantity, $"snapshot.lines[{line}].{field}", $"must not exceed {Limits.MaxQuantity}");

    private static bool CheckItem(string itemId, int line, string section, ICatalogView catalog, Violations v)
    {
        if (!ItemId.IsValid(itemId, out var why)) { v.Add($"{section}.lines[{line}].item_id", why); return false; }
        if (catalog.TryGetItem(itemId, out _)) return true;
        v.Add($"{section}.lines[{line}].item_id", $"unknown item '{itemId}'; register it in the catalog first");
        return false;
    }

    private static void CheckMovements(IReadOnlyList<MovementLine> lines, ICatalogView catalog, Violations v)
    {
        if (!CheckLineCount(lines.Count, "movements.lines", v)) return;
        for (var i = 0; i < lines.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            var m = lines[i];
            var path = $"movements.lines[{i}]";
            CheckItem(m.ItemId, i, "movements", catalog, v);
            if (!v.Check(Enum.IsDefined(m.Type) && m.Type != MovementType.Unspecified, $"{path}.type",
                    "must be received, consumed, adjusted, transferred_in, transferred_out or discarded")) continue;
            if (m.Type == MovementType.Adjusted)
            {
                v.Check(m.Quantity != 0 && m.Quantity is >= -Limits.MaxQuantity and <= Limits.MaxQuantity, $"{path}.quantity",
                    $"an adjustment must be non-zero and within ±{Limits.MaxQuantity}");
                v.Check(Text.IsToken(m.ReasonCode, Limits.MaxReasonCodeLength), $"{path}.reason_code",
                    "an adjustment needs a reason code (a short token such as count-error or damaged)");
            }
            else
            {
                if (CheckQuantity(m.Quantity, $"{path}.quantity", v))
                    v.Check(m.Quantity > 0, $"{path}.quantity", "must be greater than zero");
                v.Check(m.ReasonCode.Length == 0 || Text.IsToken(m.ReasonCode, Limits.MaxReasonCodeLength), $"{path}.reason_code",
                    $"must be a token of at most {Limits.MaxReasonCodeLength} characters");
            }
            if (m.LotNumber.Length > 0)
            {
                CheckLotNumber(m.LotNumber, $"{path}.lot_number", v);
                var adds = m.Type is MovementType.Received or MovementType.TransferredIn;
                CheckDate(m.ExpiresOn, $"{path}.expires_on", required: adds, v);
            }
            else v.Check(m.ExpiresOn.Length == 0, $"{path}.expires_on", "is only meaningful with a lot_number");
            if (m.CounterpartyLocationId.Length > 0 && !LocationId.IsValid(m.CounterpartyLocationId, out var why))
                v.Add($"{path}.counterparty_location_id", why);
        }
    }

    private static bool CheckLineCount(int count, string field, Violations v) =>
        v.Check(count > 0, field, "at least one line is required")
        && v.Check(count <= Limits.MaxLinesPerReport, field, $"at most {Limits.MaxLinesPerReport} lines per report (got {count}); split the report");


    private static bool CheckQuantity(long q, string field, Violations v) =>
        v.Check(q >= 0, field, $"must not be negative (got {q})")
        && v.Check(q <= Limits.MaxQuantity, field, $"must not exceed {Limits.MaxQuantity}");

    private static bool CheckLotNumber(string lotNumber, string field, Violations v) =>
        v.Check(Text.IsToken(lotNumber, Limits.MaxLotNumberLength), field,
            $"is required: 1-{Limits.MaxLotNumberLength} printable characters without spaces");

    private static void CheckDate(string date, string field, bool required, Violations v)
    {
        if (date.Length == 0) { v.Check(!required, field, "is required (YYYY-MM-DD)"); return; }
        v.Check(TryParseDate(date, out _), field, $"'{Text.Clip(date)}' is not a date (YYYY-MM-DD)");
    }

    /// <summary>A strict YYYY-MM-DD date, as <c>DateOnly.TryParseExact(s, "yyyy-MM-dd", invariant)</c> reads it.</summary>
    /// <remarks>
    /// Lot expiry dates are read for every lot of every report, twice (validation, then the ledger), and the framework's
    /// format parser compared culture strings for each (6% of the server's CPU under a national load). The usual shape,
    /// ten ASCII characters, is read here by hand; anything else goes to the framework parser, so both accept the same.
    /// </remarks>
    public static bool TryParseDate(string s, out DateOnly date)
    {
        if (s.Length == 10 && s[4] == '-' && s[7] == '-'
            && Digits(s, 0, 4) is var year and > 0 && Digits(s, 5, 2) is var month and >= 1 and <= 12
            && Digits(s, 8, 2) is var day and >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }
        return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>The number written by <paramref name="count"/> ASCII digits from <paramref name="start"/>; -1 if any is not a digit.</summary>
    private static int Digits(string s, int start, int count)
    {
        var n = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return -1;
            n = n * 10 + (s[i] - '0');
        }
        return n;
    }
}
