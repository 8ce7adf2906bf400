namespace Supply.Domain.Aggregation;

/// <summary>Finding an item among a location's published totals.</summary>
public static class PublishedItems
{
    /// <summary>Published items are in item id order (the ledger lists them so): a binary search, then a scan if they are not.</summary>
    public static LocationItemTotals? Find(IReadOnlyList<LocationItemTotals> items, string itemId)
    {
        int lo = 0, hi = items.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(items[mid].ItemId, itemId);
            if (c == 0) return items[mid];
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        for (var i = 1; i < items.Count; i++)
            if (string.CompareOrdinal(items[i - 1].ItemId, items[i].ItemId) > 0) return items.FirstOrDefault(x => x.ItemId == itemId);
        return null;
    }
}
