namespace Supply.Domain.Scenarios;

/// <summary>
/// Splits a scenario into parts the engine can run at the same time, and merges their results back into the order
/// one run gives. Everything the engine keeps (stock, region reserve, ordinary use, supplier caps) is per item, and a
/// line draws only on its item or on its substitution group's items: items joined by a group form one part, every
/// other item is a part of its own. Parts are then dealt to at most <c>count</c> bins, heaviest first.
/// </summary>
internal static class ScenarioParts
{
    /// <summary>Items, and substitution groups whose lines it serves, of one part.</summary>
    internal sealed class Part
    {
        public HashSet<string> Items { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public bool Serves(SupplyRef supply) => supply.Kind == SupplyKind.Item ? Items.Contains(supply.Id) : Groups.Contains(supply.Id);
    }

    /// <summary>At most <paramref name="count"/> parts that together hold every item and group of the input (fewer when it has fewer).</summary>
    public static IReadOnlyList<Part> Split(ScenarioInput input, int count)
    {
        var uses = input.Scenario.Profiles.SelectMany(p => p.Categories).SelectMany(c => c.Uses).Select(u => u.Supply).ToList();
        // Union-find over items ("i:" + id) and groups ("g:" + id): an item joins its group.
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (true)
            {
                var up = parent[x];
                if (string.Equals(up, x, StringComparison.Ordinal)) return x;
                x = parent[x] = parent[up]; // path halving
            }
        }
        void Add(string x) => parent.TryAdd(x, x);
        void Join(string a, string b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (!string.Equals(ra, rb, StringComparison.Ordinal)) parent[ra] = rb;
        }

        var stockItems = input.Stock is StockColumns columns ? columns.ItemIds : input.Stock.Select(s => s.ItemId);
        foreach (var id in stockItems.Concat(input.Ordinary.Select(o => o.ItemId)).Concat(input.Reductions.Select(r => r.ItemId))
                     .Concat(input.Items.Select(i => i.ItemId)))
            Add("i:" + id);
        foreach (var use in uses) Add((use.Kind == SupplyKind.Item ? "i:" : "g:") + use.Id);
        foreach (var item in input.Items)
        {
            if (item.SubstitutionGroup.Length == 0) continue;
            Add("g:" + item.SubstitutionGroup);
            Join("i:" + item.ItemId, "g:" + item.SubstitutionGroup);
        }

        // Weight: the supplies the scenario uses in a component (each is a line per affected region), plus one.
        var weight = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in parent.Keys) weight.TryAdd(Find(node), 1);
        foreach (var use in uses.Distinct()) weight[Find((use.Kind == SupplyKind.Item ? "i:" : "g:") + use.Id)]++;
        var bins = Enumerable.Range(0, Math.Min(count, weight.Count)).Select(_ => (Part: new Part(), Load: 0)).ToArray();
        var binOf = new Dictionary<string, int>(StringComparer.Ordinal);
        // Heaviest component first into the lightest bin (ties: ordinal root, lowest bin): the same split every time.
        foreach (var (root, w) in weight.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var lightest = 0;
            for (var b = 1; b < bins.Length; b++) if (bins[b].Load < bins[lightest].Load) lightest = b;
            bins[lightest].Load += w;
            binOf[root] = lightest;
        }
        foreach (var node in parent.Keys)
        {
            var part = bins[binOf[Find(node)]].Part;
            if (node.StartsWith("i:", StringComparison.Ordinal)) part.Items.Add(node[2..]);
            else part.Groups.Add(node[2..]);
        }
        return bins.Where(b => b.Part.Items.Count + b.Part.Groups.Count > 0).Select(b => b.Part).ToList();
    }

    /// <summary>
    /// One result from the parts' results, as one run would have made it: lines in serving order (region, then supply),
    /// transfers by day and then line (a line's transfers of a day all come from one part, in the order made), ordinary
    /// lines by region and item.
    /// </summary>
    public static ScenarioResult Merge(Scenario scenario, IReadOnlyList<ScenarioResult> parts)
    {
        var lines = parts.SelectMany(p => p.Lines).OrderBy(l => l.RegionCode, StringComparer.Ordinal).ThenBy(l => l.Supply).ToList();
        var lineIndex = new Dictionary<(string Region, SupplyRef Supply), int>(lines.Count);
        for (var i = 0; i < lines.Count; i++) lineIndex[(lines[i].RegionCode, lines[i].Supply)] = i;

        // Each part's transfers are already in (day, line) order: a k-way merge on that key keeps every part's own order
        // (a heap, as the fair planner merges hundreds of parts; ties: the lower part first, as one run would).
        var keys = parts.Select(p => p.Transfers.Select(t => (long)t.Day * lines.Count + lineIndex[(t.ToRegion, t.For)]).ToArray()).ToArray();
        var next = new int[parts.Count];
        var transfers = new List<Transfer>(parts.Sum(p => p.Transfers.Count));
        var heap = new PriorityQueue<int, (long Key, int Part)>();
        for (var p = 0; p < parts.Count; p++)
            if (keys[p].Length > 0) heap.Enqueue(p, (keys[p][0], p));
        while (heap.TryDequeue(out var from, out _))
        {
            transfers.Add(parts[from].Transfers[next[from]++]);
            if (next[from] < keys[from].Length) heap.Enqueue(from, (keys[from][next[from]], from));
        }

        var ordinary = parts.SelectMany(p => p.Ordinary).OrderBy(o => o.RegionCode, StringComparer.Ordinal).ThenBy(o => o.ItemId, StringComparer.Ordinal)
            .ToList();
        return new ScenarioResult(scenario.Id, scenario.Start, scenario.HorizonDays, ScenarioEngine.TotalsOf(lines), lines, transfers, ordinary, [])
            { Census = ScenarioDemand.Census(scenario), Planner = parts.Count > 0 ? parts[0].Planner : "greedy" };
    }
}
