using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Fhir.Model;

namespace Supply.Fhir.Mapping;

/// <summary>One location's part of an InventoryReport as a Supply report, with the paths to name FHIR elements in its refusals.</summary>
public sealed record MappedReport(StockReport Report, FhirPaths Paths);

/// <summary>The reports an InventoryReport maps to (one per location), or why it cannot be taken.</summary>
public sealed record FhirIntake(IReadOnlyList<MappedReport> Reports, IReadOnlyList<OperationOutcomeIssue> Issues)
{
    public bool Ok => Issues.Count == 0;
}

/// <summary>
/// InventoryReport → Supply reports (docs/fhir.md has the table). <c>countType = snapshot</c> is a snapshot, <c>difference</c>
/// with <c>operationType</c> addition or subtraction is movements; the identifier is the report id; each listing's
/// location its location (a report naming several locations becomes one report per location, under the same id).
/// Everything is checked, Supply's own report rules included, before anything is stored: a report with any
/// issue is refused whole.
/// </summary>
public static class InventoryReportReader
{
    private enum Partition { Available, Reserved, Quarantined }

    /// <summary>Item status codes (any system) and the part of on-hand stock they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> StatusCodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["available"] = "available", ["on-hand"] = "available", ["in-stock"] = "available",
        ["reserved"] = "reserved", ["allocated"] = "reserved",
        ["quarantined"] = "quarantined", ["quarantine"] = "quarantined", ["on-hold"] = "quarantined",
        ["damaged"] = "quarantined", ["expired"] = "quarantined", ["recalled"] = "quarantined",
    };

    private sealed class LocationPart(string locationId, DateTimeOffset asOf, string locationPath, string asOfPath)
    {
        public string LocationId { get; } = locationId;
        public DateTimeOffset AsOf { get; } = asOf;
        public string LocationPath { get; } = locationPath;
        public string AsOfPath { get; } = asOfPath;
        public List<(ListingEntry Entry, Partition Partition)> Entries { get; } = [];
    }

    public static FhirIntake Read(InventoryReport report, FhirOptions options, ICatalogView catalog, DateTimeOffset now)
    {
        var issues = new List<OperationOutcomeIssue>();
        void Add(string code, string path, string text) => issues.Add(OperationOutcomeIssue.Error(code, text, path));

        if (report.ModifierExtension is { Count: > 0 }) Add("not-supported", "InventoryReport.modifierExtension", "modifier extensions are not understood by Supply");
        var idIndex = report.Identifier?.FindIndex(i => !string.IsNullOrEmpty(i.Value)) ?? -1;
        if (idIndex < 0) Add("required", "InventoryReport.identifier", "an identifier with a value is required: it is the report's idempotency key");
        var reportIdPath = $"InventoryReport.identifier[{Math.Max(idIndex, 0)}].value";
        if (report.Status != "active")
            Add(report.Status is null ? "required" : "value", "InventoryReport.status",
                $"only an active report changes stock (got '{report.Status}'); draft, requested and entered-in-error are not taken");
        var difference = report.CountType == "difference";
        if (report.CountType is not ("snapshot" or "difference")) Add("value", "InventoryReport.countType", $"must be snapshot or difference (got '{report.CountType}')");
        if (!FhirDates.TryInstant(report.ReportedDateTime, out var reported))
            Add("required", "InventoryReport.reportedDateTime", "is required: a date, or a dateTime with a time zone");
        var movement = difference ? MovementOf(report, issues) : MovementType.Unspecified;
        if (report.InventoryListing is not { Count: > 0 } listings) { Add("required", "InventoryReport.inventoryListing", "at least one listing is required"); listings = []; }

        var codes = new ItemCodes(options, DateOnly.FromDateTime(now.UtcDateTime));
        var items = new ListingItemReader(report, codes, catalog, options, issues);
        var parts = new Dictionary<string, LocationPart>(StringComparer.Ordinal);
        for (var i = 0; i < listings.Count; i++)
        {
            var listing = listings[i];
            var path = $"InventoryReport.inventoryListing[{i}]";
            if (listing.ModifierExtension is { Count: > 0 }) Add("not-supported", path + ".modifierExtension", "modifier extensions are not understood by Supply");
            var locationId = LocationOf(listing.Location, options);
            if (locationId is null)
                Add("required", path + ".location", $"name a Supply location: identifier with system {options.LocationSystem}, or reference Location/{{id}}");
            var partition = PartitionOf(listing.ItemStatus, path + ".itemStatus", difference, issues);
            var asOf = reported;
            var asOfPath = "InventoryReport.reportedDateTime";
            if (listing.CountingDateTime is not null)
            {
                asOfPath = path + ".countingDateTime";
                if (!FhirDates.TryInstant(listing.CountingDateTime, out asOf)) Add("value", asOfPath, $"'{listing.CountingDateTime}' is not a FHIR dateTime with a time zone");
            }
            if (listing.Item is not { Count: > 0 }) Add("required", path + ".item", "at least one item is required");
            LocationPart? part = null;
            if (locationId is not null && !parts.TryGetValue(locationId, out part))
                parts.Add(locationId, part = new LocationPart(locationId, asOf, path + ".location", asOfPath));
            else if (part is not null && part.AsOf != asOf)
                Add("invariant", asOfPath, $"listings of location '{locationId}' must share one counting time ({part.AsOfPath} says {FhirDates.Instant(part.AsOf)})");
            for (var j = 0; j < (listing.Item?.Count ?? 0); j++)
                if (items.Read(listing.Item![j], $"{path}.item[{j}]", positive: difference) is { } entry)
                    part?.Entries.Add((entry, partition));
        }
        if (issues.Count > 0) return new FhirIntake([], issues);

        var reportId = report.Identifier![idIndex].Value!;
        var mapped = parts.Values.Select(p => difference ? Movements(reportId, p, movement, report, reportIdPath) : Snapshot(reportId, p, reportIdPath)).ToList();
        // Supply's own rules (catalog, limits, lots) name their fields; say them in FHIR's terms.
        foreach (var m in mapped)
            foreach (var v in ReportValidator.Validate(m.Report, catalog, now))
                Add("invalid", m.Paths.ToFhir(v), v.Description);
        return new FhirIntake(issues.Count > 0 ? [] : mapped, issues);
    }

    /// <summary>The locations the listings name, before anything else is read: access is decided on them first.</summary>
    public static IReadOnlyList<string> LocationIds(InventoryReport report, FhirOptions options) =>
        (report.InventoryListing ?? []).Select(l => LocationOf(l.Location, options)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static MovementType MovementOf(InventoryReport report, List<OperationOutcomeIssue> issues)
    {
        var operation = report.OperationType?.Coding?.Select(c => c.Code).FirstOrDefault(c => c is "addition" or "subtraction");
        if (operation is null)
        {
            issues.Add(OperationOutcomeIssue.Error("required", "a difference needs operationType addition or subtraction", "InventoryReport.operationType"));
            return MovementType.Unspecified;
        }
        var reasons = report.OperationTypeReason?.Coding?.Select(c => c.Code?.ToLowerInvariant()).ToList() ?? [];
        var transfer = reasons.Any(r => r is "transfer" or "transferred-in" or "transferred-out");
        var discard = reasons.Any(r => r is "discard" or "discarded" or "waste" or "wastage" or "disposal" or "expired" or "damaged");
        return operation == "addition"
            ? transfer ? MovementType.TransferredIn : MovementType.Received
            : transfer ? MovementType.TransferredOut : discard ? MovementType.Discarded : MovementType.Consumed;
    }

    private static string? LocationOf(Reference? location, FhirOptions options)
    {
        if (location?.Identifier is { } id && id.System == options.LocationSystem && !string.IsNullOrEmpty(id.Value)) return id.Value;
        if (location?.Literal is { } literal && literal.StartsWith("Location/", StringComparison.Ordinal) && literal.Length > 9) return literal[9..];
        return null;
    }

    private static Partition PartitionOf(CodeableConcept? status, string path, bool difference, List<OperationOutcomeIssue> issues)
    {
        if (status?.Coding is not { Count: > 0 } codings) return Partition.Available;
        var known = codings.Select(c => c.Code is null ? null : StatusCodes.GetValueOrDefault(c.Code)).FirstOrDefault(s => s is not null);
        if (known is null)
        {
            issues.Add(OperationOutcomeIssue.Error("value", $"item status '{codings[0].Code}' has no meaning in Supply; use one of {string.Join(", ", StatusCodes.Keys)}", path));
            return Partition.Available;
        }
        if (difference && known != "available")
            issues.Add(OperationOutcomeIssue.Error("not-supported", "a difference changes on-hand stock; reserved and quarantined stock are reported in a snapshot", path));
        return known switch { "reserved" => Partition.Reserved, "quarantined" => Partition.Quarantined, _ => Partition.Available };
    }

    private static MappedReport Snapshot(string reportId, LocationPart part, string reportIdPath)
    {
        var lines = new List<SnapshotLine>();
        var linePaths = new List<string>();
        var lotPaths = new List<IReadOnlyList<string>>();
        foreach (var group in part.Entries.GroupBy(e => e.Entry.ItemId))
        {
            long onHand = 0, reserved = 0, quarantined = 0;
            var lots = new List<LotInput>();
            var paths = new List<string>();
            foreach (var (entry, partition) in group)
            {
                onHand += entry.Quantity;
                if (partition == Partition.Reserved) reserved += entry.Quantity;
                if (partition == Partition.Quarantined) quarantined += entry.Quantity;
                if (entry.Lot is null) continue;
                // The same lot in several listings (available here, quarantined there) is one lot with the sum.
                var at = lots.FindIndex(l => l.LotNumber == entry.Lot && l.ExpiresOn == entry.ExpiresOn);
                if (at >= 0) lots[at] = lots[at] with { Quantity = lots[at].Quantity + entry.Quantity };
                else { lots.Add(new LotInput(entry.Lot, entry.ExpiresOn, entry.Quantity)); paths.Add(entry.Path); }
            }
            lines.Add(new SnapshotLine(group.Key, onHand, reserved, quarantined, lots, 0));
            linePaths.Add(group.First().Entry.Path);
            lotPaths.Add(paths);
        }
        var report = new StockReport(reportId, part.LocationId, part.AsOf, ReportKind.Snapshot, lines, []);
        return new MappedReport(report, new FhirPaths(reportIdPath, part.LocationPath, part.AsOfPath, linePaths, lotPaths));
    }

    private static MappedReport Movements(string reportId, LocationPart part, MovementType type, InventoryReport source, string reportIdPath)
    {
        var reason = source.OperationTypeReason?.Coding?.FirstOrDefault()?.Code ?? "";
        var lines = part.Entries.Select(e => new MovementLine(e.Entry.ItemId, type, e.Entry.Quantity, e.Entry.Lot ?? "", e.Entry.Lot is null ? "" : e.Entry.ExpiresOn,
            IsToken(reason) ? reason : "", "")).ToList();
        var report = new StockReport(reportId, part.LocationId, part.AsOf, ReportKind.Movements, [], lines);
        return new MappedReport(report, new FhirPaths(reportIdPath, part.LocationPath, part.AsOfPath,
            part.Entries.Select(e => e.Entry.Path).ToList(), part.Entries.Select(_ => (IReadOnlyList<string>)[]).ToList()));
    }

    // A reason code travels only when Supply's contract can carry it (a short token); otherwise the movement goes without.
    private static bool IsToken(string s) =>
        s.Length is > 0 and <= Domain.Limits.MaxReasonCodeLength && s.All(c => c is > ' ' and < (char)127);
}
