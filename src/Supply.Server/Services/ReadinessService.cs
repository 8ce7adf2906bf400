using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Application.Readiness;
using Supply.Contracts.V1;
using Supply.Server.Security;
using D = Supply.Domain.Readiness;
using DomainCoverage = Supply.Domain.Coverage;

namespace Supply.Server.Services;

/// <summary>The Readiness RPCs: translation only; <see cref="ReadinessQueries"/> validates, keeps and computes.</summary>
public sealed class ReadinessService(ReadinessQueries readiness) : Contracts.V1.Readiness.ReadinessBase
{
    public override async Task<SetReadinessTargetsResponse> SetReadinessTargets(SetReadinessTargetsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context.GetHttpContext().User)?.Name ?? "";
        var (count, version) = await readiness.SetTargetsAsync(request.Targets.Select(ToDomain).ToList(), request.Note, caller);
        return new SetReadinessTargetsResponse { Targets = count, Version = version };
    }

    public override async Task<ListReadinessTargetsResponse> ListReadinessTargets(ListReadinessTargetsRequest request, ServerCallContext context)
    {
        var set = await readiness.TargetsAsync();
        var response = new ListReadinessTargetsResponse
        {
            Illustrative = set.Illustrative, Version = set.Version, Note = set.Note, SetBy = set.SetBy,
            SetAt = set.SetAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        response.Targets.AddRange(set.Targets.Select(ToContract));
        return response;
    }

    public override async Task<GetReadinessComplianceResponse> GetReadinessCompliance(GetReadinessComplianceRequest request, ServerCallContext context)
    {
        var view = await readiness.ComplianceAsync(
            new ComplianceQuery(CoverageService.ToDomain(request.Level), request.RegionCodes, request.Key, request.Limit), context.CancellationToken);
        var response = new GetReadinessComplianceResponse { IllustrativeTargets = view.IllustrativeTargets, ComputedAt = Timestamp.FromDateTimeOffset(view.At) };
        response.Lines.AddRange(view.Lines.Select(l => new ComplianceLine
        {
            Level = CoverageService.ToContract(l.Level), Area = l.Area, Subject = l.Subject == DomainCoverage.CoverageSubject.Item ? "item" : "group",
            Key = l.Key, TargetDays = l.TargetDays, TargetUnits = l.TargetUnits, UsableUnits = l.UsableUnits, GapUnits = l.GapUnits,
            GapDays = l.GapDays, PercentCompliant = l.PercentCompliant, DailyConsumption = l.DailyConsumption, Lines = l.Lines,
            LinesCompliant = l.LinesCompliant, TargetLevel = CoverageService.ToContract(l.TargetLevel),
        }));
        return response;
    }

    public override async Task<GetComplianceHistoryResponse> GetComplianceHistory(GetComplianceHistoryRequest request, ServerCallContext context)
    {
        var level = request.Level == CoverageLevel.Unspecified ? DomainCoverage.CoverageLevel.Nation : CoverageService.ToDomain(request.Level);
        var days = await readiness.HistoryAsync(level, request.Areas, request.Days);
        var response = new GetComplianceHistoryResponse();
        response.Days.AddRange(days.Select(d => new ComplianceDay
        {
            Day = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Level = CoverageService.ToContract(d.Level), Area = d.Area,
            TargetUnits = d.TargetUnits, UsableTowardTarget = d.UsableTowardTarget, GapUnits = d.GapUnits, PercentCompliant = d.PercentCompliant,
            Lines = d.Lines, LinesCompliant = d.LinesCompliant,
        }));
        return response;
    }

    // An unspecified level is a mistake in a target (unlike in a query, where it means the nation): validation names it.
    private static D.ReadinessTarget ToDomain(ReadinessTarget t) => new(t.Key,
        t.ByGroup ? DomainCoverage.CoverageSubject.SubstitutionGroup : DomainCoverage.CoverageSubject.Item, t.Days,
        t.Level == CoverageLevel.Unspecified ? (DomainCoverage.CoverageLevel)(-1) : CoverageService.ToDomain(t.Level),
        (Domain.Catalog.LocationKind)t.Kind, t.RegionCode);

    private static ReadinessTarget ToContract(D.ReadinessTarget t) => new()
    {
        Key = t.Key, ByGroup = t.Subject == DomainCoverage.CoverageSubject.SubstitutionGroup, Days = t.Days, Level = CoverageService.ToContract(t.Level),
        Kind = (Contracts.V1.LocationKind)t.Kind, RegionCode = t.RegionCode,
    };
}
