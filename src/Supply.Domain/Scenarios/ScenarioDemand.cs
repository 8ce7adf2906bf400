using Supply.Domain.Catalog;

namespace Supply.Domain.Scenarios;

/// <summary>Casualty demand for one supply in one region: whole units and priority weight per day, and the categories it sums.</summary>
public sealed record DemandLine(string RegionCode, SupplyRef Supply, long[] Demand, double[] Weight, IReadOnlyList<string> Categories)
{
    /// <summary>The weight of the line's heaviest day (0 without demand).</summary>
    public double Priority => Demand.Select((d, i) => d > 0 ? Weight[i] : 0).DefaultIfEmpty(0).Max();
}

/// <summary>
/// What a scenario asks for, day by day: the census of each region and category (patient flow) and the demand lines
/// that follow from it. Both engines read their demand here, so they plan for exactly the same needs.
/// <list type="bullet">
/// <item>Census: each wave of arrivals (an <see cref="AffectedRegion"/> entry) is a cohort. On day d its patients are
/// count × (1 − deaths per day)^(d − arrival) while d − arrival &lt; length of stay; a share of the arrivals is in
/// intensive care for its first days. Without <see cref="PatientFlow"/> every casualty stays: today's demand.</item>
/// <item>Demand: census × per-patient use (intensive-care uses: the intensive-care census), for the use's days from
/// arrival; fractional units are rounded up on the running total (<see cref="ScenarioEngine.WholeUnits"/>).</item>
/// <item>Priority weight of a line on a day: the demand-weighted mean over its categories of 10^(5 − priority)
/// (priority 1 = T1 weighs 10,000, priority 3 weighs 100), times the supply's criticality (life-saving × 3,
/// essential × 2, other × 1; a group: its most critical item). The figures are a choice, easy to change here.</item>
/// </list>
/// </summary>
public static class ScenarioDemand
{
    public static double CategoryWeight(int priority) => Math.Pow(10, CasualtyCategory.MaxPriority - priority);

    public static double CriticalityFactor(Criticality c) => c switch
    {
        Criticality.LifeSaving => 3,
        Criticality.Essential => 2,
        _ => 1,
    };

    /// <summary>The census of every (region, category), in the order regions and categories first appear in the scenario.</summary>
    public static IReadOnlyList<CensusLine> Census(Scenario scenario)
    {
        var categories = CategoriesOf(scenario);
        var horizon = scenario.HorizonDays;
        var lines = new Dictionary<(string Region, string Category), double[][]>();
        var order = new List<(string Region, string Category)>();
        foreach (var region in scenario.Regions)
        foreach (var group in region.Casualties)
        {
            var key = (region.RegionCode, group.Category);
            if (!lines.TryGetValue(key, out var rows)) { lines[key] = rows = [new double[horizon], new double[horizon], new double[horizon], new double[horizon]]; order.Add(key); }
            var cohort = Cohort(group.Count, categories[group.Category].Flow, region.ArrivalDay, horizon);
            for (var d = 0; d < horizon; d++)
            {
                rows[0][d] += cohort.Patients[d];
                rows[1][d] += cohort.IntensiveCare[d];
                rows[2][d] += cohort.Deaths[d];
                rows[3][d] += cohort.Discharges[d];
            }
        }
        return order.Select(k => new CensusLine(k.Region, k.Category, lines[k][0], lines[k][1], lines[k][2], lines[k][3])).ToList();
    }

    /// <summary>One line per (affected region, supply), ordered by region code, then items before groups, then id.</summary>
    public static IReadOnlyList<DemandLine> Lines(Scenario scenario, IReadOnlyList<ScenarioItem> items)
    {
        var horizon = scenario.HorizonDays;
        var categories = CategoriesOf(scenario);
        var criticality = Criticalities(items);
        var rates = new Dictionary<(string Region, SupplyRef Supply), (double[] PerDay, double[] Weighted, SortedSet<string> Categories)>();
        foreach (var region in scenario.Regions)
        foreach (var group in region.Casualties)
        {
            var category = categories[group.Category];
            var cohort = Cohort(group.Count, category.Flow, region.ArrivalDay, horizon);
            var weight = CategoryWeight(category.Priority);
            foreach (var use in category.Uses)
            {
                var key = (region.RegionCode, use.Supply);
                if (!rates.TryGetValue(key, out var line))
                    rates[key] = line = (new double[horizon], new double[horizon], new SortedSet<string>(StringComparer.Ordinal));
                line.Categories.Add(group.Category);
                var until = use.Days is { } days ? Math.Min(horizon, region.ArrivalDay + days) : horizon;
                var patients = use.IntensiveCareOnly ? cohort.IntensiveCare : cohort.Patients;
                for (var d = region.ArrivalDay; d < until; d++)
                {
                    var units = patients[d] * use.PerCasualtyPerDay;
                    line.PerDay[d] += units;
                    line.Weighted[d] += units * weight;
                }
            }
        }
        return rates.OrderBy(kv => kv.Key.Region, StringComparer.Ordinal).ThenBy(kv => kv.Key.Supply)
            .Select(kv =>
            {
                var (perDay, weighted, names) = kv.Value;
                var factor = kv.Key.Supply.Kind == SupplyKind.Item
                    ? CriticalityFactor(criticality.GetValueOrDefault(kv.Key.Supply.Id))
                    : items.Where(i => i.SubstitutionGroup == kv.Key.Supply.Id).Select(i => CriticalityFactor(i.Criticality)).DefaultIfEmpty(1).Max();
                var weights = perDay.Select((units, d) => units > 0 ? factor * weighted[d] / units : 0).ToArray();
                return new DemandLine(kv.Key.Region, kv.Key.Supply, ScenarioEngine.WholeUnits(perDay), weights, names.ToList());
            })
            .ToList();
    }

    private static Dictionary<string, CasualtyCategory> CategoriesOf(Scenario scenario) =>
        scenario.Profiles.SelectMany(p => p.Categories).ToDictionary(c => c.Name, StringComparer.Ordinal);

    private static Dictionary<string, Criticality> Criticalities(IReadOnlyList<ScenarioItem> items)
    {
        var result = new Dictionary<string, Criticality>(StringComparer.Ordinal);
        foreach (var i in items) result.TryAdd(i.ItemId, i.Criticality);
        return result;
    }

    /// <summary>One wave of <paramref name="count"/> arrivals on <paramref name="arrival"/>, day by day.</summary>
    internal static (double[] Patients, double[] IntensiveCare, double[] Deaths, double[] Discharges) Cohort(int count, PatientFlow? flow, int arrival, int horizon)
    {
        var (patients, icu, deaths, discharges) = (new double[horizon], new double[horizon], new double[horizon], new double[horizon]);
        double here = count; // exactly the count without a flow, so today's files give today's demand to the last bit
        for (var d = arrival; d < horizon; d++)
        {
            var stayed = d - arrival;
            if (flow is null) { patients[d] = here; continue; }
            if (flow.LengthOfStayDays is { } los && stayed >= los) break;
            patients[d] = here;
            if (stayed < flow.IntensiveCareDays) icu[d] = here * flow.IntensiveCareShare;
            deaths[d] = here * flow.DeathsPerDay;
            here -= deaths[d];
            if (flow.LengthOfStayDays is { } last && stayed == last - 1) { discharges[d] = here; here = 0; }
        }
        return (patients, icu, deaths, discharges);
    }
}
