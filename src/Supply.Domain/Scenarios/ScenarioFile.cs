using Supply.Domain.Catalog;

namespace Supply.Domain.Scenarios;

/// <summary>
/// A parsed scenario file: the scenario, delivery reductions, and optionally its own data (items,
/// locations, stock, ordinary consumption) so that small examples run on their own. A server runs the
/// scenario against live stock instead: <c>new ScenarioInput(doc.Scenario, ...live data..., doc.Reductions)</c>.
/// </summary>
public sealed record ScenarioDocument(
    Scenario Scenario,
    IReadOnlyList<ScenarioItem> Items,
    IReadOnlyList<SourceLocation> Locations,
    IReadOnlyList<StockAvailable> Stock,
    IReadOnlyList<OrdinaryConsumption> Ordinary,
    IReadOnlyList<DeliveryReduction> Reductions)
{
    public bool HasData => Locations.Count > 0 || Stock.Count > 0 || Ordinary.Count > 0 || Items.Count > 0;

    /// <summary>The input made of the file's own data alone.</summary>
    public ScenarioInput ToInput() => new(Scenario, Locations, Stock, Ordinary, Items, Reductions);
}

/// <summary>
/// Reads scenario and profile files (YAML, or JSON with the same field names; see docs/scenarios/README.md).
/// Everything wrong is reported at once, as <see cref="DomainValidationException"/> whose violations name
/// the field path ("regions[1].casualties.T1") and its line.
/// </summary>
public static class ScenarioFile
{
    private static readonly string[] ScenarioFields =
        ["id", "name", "description", "start", "horizon_days", "reserve_days", "lead_times", "profiles", "regions",
         "delivery_reductions", "items", "locations", "stock", "ordinary_consumption"];

    /// <param name="library">profiles a scenario may name; <see cref="ProfileLibrary.BuiltIn"/> when null.</param>
    public static ScenarioDocument Parse(string text, IReadOnlyDictionary<string, CasualtyProfile>? library = null)
    {
        library ??= ProfileLibrary.BuiltIn;
        var y = new YamlTree();
        var root = ReadRoot(y, text);
        y.OnlyKnown(root, "", ScenarioFields);

        var id = y.String(root, "id", "") ?? "";
        var name = y.String(root, "name", "") ?? "";
        var description = y.String(root, "description", "", required: false) ?? "";
        var start = y.Date(root, "start", "") ?? default;
        var horizon = y.Int(root, "horizon_days", "") ?? 0;
        var reserveDays = y.Number(root, "reserve_days", "") ?? 0;
        var leadTimes = ReadLeadTimes(y, root);

        var profiles = new List<CasualtyProfile>();
        foreach (var (node, path) in y.List(root, "profiles", "", required: true))
        {
            if (node is YScalar { IsNull: false } named)
            {
                if (library.TryGetValue(named.Value, out var profile)) profiles.Add(profile);
                else y.V.Add(path, $"no profile '{Text.Clip(named.Value)}' in the library (it has: {string.Join(", ", library.Keys.Order(StringComparer.Ordinal))}) ({node.At})");
            }
            else if (y.Map(node, path) is { } inline && ReadProfile(y, inline, path) is { } p) profiles.Add(p);
        }

        var regions = new List<AffectedRegion>();
        foreach (var (node, path) in y.List(root, "regions", "", required: true))
        {
            if (y.Map(node, path) is not { } map) continue;
            y.OnlyKnown(map, path, "region", "arrival_day", "casualties", "waves");
            var code = y.String(map, "region", path) ?? "";
            // Arrivals in waves: each wave is one more entry of the region (a cohort of its own), so the engines need nothing new.
            var waves = y.List(map, "waves", path);
            if (map.Get("casualties") is not null || waves.Count == 0)
                regions.Add(new AffectedRegion(code, ReadCasualties(y, map, path), y.Int(map, "arrival_day", path, required: false) ?? 0));
            foreach (var (waveNode, wavePath) in waves)
            {
                if (y.Map(waveNode, wavePath) is not { } wave) continue;
                y.OnlyKnown(wave, wavePath, "day", "casualties");
                regions.Add(new AffectedRegion(code, ReadCasualties(y, wave, wavePath), y.Int(wave, "day", wavePath) ?? 0));
            }
        }

        var reductions = ReadList(y, root, "delivery_reductions", ["item", "from", "to", "factor", "quantity", "supplier"], (map, path) =>
            new DeliveryReduction(y.String(map, "item", path) ?? "", y.Date(map, "from", path) ?? default, y.Date(map, "to", path) ?? default,
                y.Number(map, "factor", path, required: false), y.Long(map, "quantity", path, required: false),
                y.String(map, "supplier", path, required: false) ?? ""));
        var items = ReadList(y, root, "items", ["id", "group", "name"], (map, path) =>
            new ScenarioItem(y.String(map, "id", path) ?? "", y.String(map, "group", path, required: false) ?? ""));
        var locations = ReadList(y, root, "locations", ["id", "name", "region", "kind", "municipality", "lead_time_days"], (map, path) =>
            ReadLocation(y, map, path));
        var stock = ReadList(y, root, "stock", ["location", "item", "quantity"], (map, path) =>
            new StockAvailable(y.String(map, "location", path) ?? "", y.String(map, "item", path) ?? "", y.Long(map, "quantity", path) ?? 0));
        var ordinary = ReadList(y, root, "ordinary_consumption", ["region", "item", "per_day"], (map, path) =>
            new OrdinaryConsumption(y.String(map, "region", path) ?? "", y.String(map, "item", path) ?? "", y.Number(map, "per_day", path) ?? 0));

        if (y.V.Any) throw new DomainValidationException(y.V.Items.Take(Limits.MaxViolations).ToList());

        var scenario = new Scenario(id, name, description, start, horizon, reserveDays, leadTimes, profiles, regions);
        var doc = new ScenarioDocument(scenario, items, locations, stock, ordinary, reductions);
        var violations = doc.ToInput().Validate();
        if (violations.Count > 0) throw new DomainValidationException(y.WithPositions(violations.Take(Limits.MaxViolations)));
        return doc;
    }

    private static List<CasualtyGroup> ReadCasualties(YamlTree y, YMap map, string path)
    {
        var casualties = new List<CasualtyGroup>();
        if (y.Map(map.Get("casualties"), YamlTree.Join(path, "casualties")) is { } counts)
            foreach (var (category, _) in counts.Entries)
                casualties.Add(new CasualtyGroup(category, y.Int(counts, category, YamlTree.Join(path, "casualties")) ?? 0));
        return casualties;
    }

    /// <summary>Reads one profile file (the library's format).</summary>
    public static CasualtyProfile ParseProfile(string text)
    {
        var y = new YamlTree();
        var profile = ReadProfile(y, ReadRoot(y, text), "");
        if (y.V.Any || profile is null) throw new DomainValidationException(y.V.Items.Take(Limits.MaxViolations).ToList());
        var v = new Violations();
        Scenario.ValidateProfile(profile, v, "");
        if (v.Any) throw new DomainValidationException(y.WithPositions(v.Items));
        return profile;
    }

    /// <summary>The top-level mapping; a file that is not one (empty, broken, a list, several documents) is refused as a whole.</summary>
    private static YMap ReadRoot(YamlTree y, string text)
    {
        var node = y.Load(text);
        var root = node is null ? null : y.Map(node, "file");
        if (y.V.Any || root is null) throw new DomainValidationException(y.V.Items);
        return root;
    }

    private static CasualtyProfile? ReadProfile(YamlTree y, YMap map, string path)
    {
        y.OnlyKnown(map, path, "id", "name", "description", "source", "categories");
        var categories = new List<CasualtyCategory>();
        var categoriesPath = YamlTree.Join(path, "categories");
        if (y.Map(map.Get("categories"), categoriesPath) is { } byName)
            foreach (var (category, node) in byName.Entries)
            {
                var categoryPath = YamlTree.Join(categoriesPath, category);
                // A category is a list of uses (the first format), or a mapping with its priority, patient flow and uses.
                var usesNode = node;
                var (priority, flow) = (CasualtyCategory.DefaultPriority, (PatientFlow?)null);
                if (node is YMap detail)
                {
                    y.OnlyKnown(detail, categoryPath, "priority", "length_of_stay_days", "deaths_per_day", "intensive_care", "uses");
                    priority = y.Int(detail, "priority", categoryPath, required: false) ?? CasualtyCategory.DefaultPriority;
                    flow = ReadFlow(y, detail, categoryPath);
                    usesNode = detail.Get("uses") ?? new YSeq([], detail.Line, detail.Column);
                    categoryPath = YamlTree.Join(categoryPath, "uses");
                }
                if (usesNode is not YSeq seq) { y.V.Add(categoryPath, $"must be a list of uses, or a mapping with 'uses' ({usesNode.At})"); continue; }
                var uses = new List<ProfileUse>();
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    var usePath = $"{categoryPath}[{i}]";
                    if (y.Map(seq.Items[i], usePath) is not { } use) continue;
                    y.OnlyKnown(use, usePath, "item", "group", "per_casualty_per_day", "days", "note", "intensive_care");
                    var item = y.String(use, "item", usePath, required: false);
                    var group = y.String(use, "group", usePath, required: false);
                    if ((item is null) == (group is null)) { y.V.Add(usePath, $"give exactly one of 'item' and 'group' ({use.At})"); continue; }
                    var icu = y.String(use, "intensive_care", usePath, required: false);
                    if (icu is not (null or "true" or "false")) y.V.Add(YamlTree.Join(usePath, "intensive_care"), $"must be true or false ({use.At})");
                    uses.Add(new ProfileUse(item is not null ? SupplyRef.Item(item) : SupplyRef.Group(group!),
                        y.Number(use, "per_casualty_per_day", usePath) ?? 0, y.Int(use, "days", usePath, required: false),
                        y.String(use, "note", usePath, required: false) ?? "", icu == "true"));
                }
                categories.Add(new CasualtyCategory(category, uses, priority, flow));
            }
        return new CasualtyProfile(y.String(map, "id", path) ?? "", y.String(map, "name", path) ?? "",
            y.String(map, "description", path, required: false) ?? "", y.String(map, "source", path, required: false) ?? "", categories);
    }

    /// <summary>Patient flow fields of a category; null when it has none (casualties stay for the whole horizon).</summary>
    private static PatientFlow? ReadFlow(YamlTree y, YMap detail, string path)
    {
        var stay = y.Int(detail, "length_of_stay_days", path, required: false);
        var deaths = y.Number(detail, "deaths_per_day", path, required: false);
        var icuPath = YamlTree.Join(path, "intensive_care");
        var icu = y.Map(detail.Get("intensive_care"), icuPath, required: false);
        if (icu is not null) y.OnlyKnown(icu, icuPath, "share", "days");
        if (stay is null && deaths is null && icu is null) return null;
        return new PatientFlow(stay, deaths ?? 0, icu is null ? 0 : y.Number(icu, "share", icuPath) ?? 0, icu is null ? 0 : y.Int(icu, "days", icuPath) ?? 0);
    }

    private static LeadTimes ReadLeadTimes(YamlTree y, YMap root)
    {
        var d = LeadTimes.Default;
        if (y.Map(root.Get("lead_times"), "lead_times", required: false) is not { } map) return d;
        var names = Enum.GetValues<SourceTier>().Select(ScenarioWords.Of).ToArray();
        y.OnlyKnown(map, "lead_times", names);
        int Get(SourceTier tier) => y.Int(map, ScenarioWords.Of(tier), "lead_times", required: false) ?? d.For(tier);
        return new LeadTimes(Get(SourceTier.OwnRegion), Get(SourceTier.SameHealthcareRegion), Get(SourceTier.OtherRegions),
            Get(SourceTier.NationalStockpile), Get(SourceTier.Suppliers));
    }

    private static SourceLocation ReadLocation(YamlTree y, YMap map, string path)
    {
        var id = y.String(map, "id", path) ?? "";
        var region = y.String(map, "region", path) ?? "";
        var municipality = y.String(map, "municipality", path, required: false) ?? "";
        var kindWord = y.String(map, "kind", path) ?? "";
        var kind = ScenarioWords.LocationKinds.FirstOrDefault(k => k.Word == kindWord).Kind;
        if (kindWord.Length > 0 && kind == LocationKind.Unspecified)
            y.V.Add(YamlTree.Join(path, "kind"), $"'{Text.Clip(kindWord)}' is not one of: {string.Join(", ", ScenarioWords.LocationKinds.Select(k => k.Word))}");
        if (!Regions.IsRegionCode(region)) return new SourceLocation(id, region, "", kind, y.Int(map, "lead_time_days", path, required: false));
        var location = new Location(id, "", kind, region, municipality);
        return SourceLocation.From(location, y.Int(map, "lead_time_days", path, required: false));
    }

    private static List<T> ReadList<T>(YamlTree y, YMap root, string key, string[] fields, Func<YMap, string, T> read) =>
        y.List(root, key, "")
            .Select(e => y.Map(e.Node, e.Path) is { } map ? (Map: map, e.Path) : default)
            .Where(e => e.Map is not null)
            .Select(e => { y.OnlyKnown(e.Map!, e.Path, fields); return read(e.Map!, e.Path); })
            .ToList();
}

/// <summary>The profiles shipped with the product (Scenarios/Profiles/*.yaml, documented in docs/scenarios/README.md).</summary>
public static class ProfileLibrary
{
    private const string Prefix = "Supply.Domain.Scenarios.Profiles.";

    public static IReadOnlyDictionary<string, CasualtyProfile> BuiltIn { get; } = Load();

    private static IReadOnlyDictionary<string, CasualtyProfile> Load()
    {
        var assembly = typeof(ProfileLibrary).Assembly;
        var profiles = new SortedDictionary<string, CasualtyProfile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var profile = ScenarioFile.ParseProfile(reader.ReadToEnd());
            if (!profiles.TryAdd(profile.Id, profile)) throw new InvalidOperationException($"profile '{profile.Id}' is shipped twice ({name})");
        }
        return profiles;
    }
}
