using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;

namespace Supply.Domain.Shortages;

/// <summary>
/// A supplier or the medicines agency (restnotering) announces that an item will be short from
/// <see cref="From"/> to <see cref="To"/> (inclusive), with alternatives. During that time suppliers
/// release only <see cref="DeliveryFactor"/> of their stock per day (0 = nothing), or at most
/// <see cref="DeliveryQuantity"/> units less; neither given means nothing is delivered.
/// </summary>
public sealed record ShortageNotice(
    string Id,
    string ItemId,
    DateOnly From,
    DateOnly To,
    string Source,
    string Reason,
    double? DeliveryFactor,
    long? DeliveryQuantity,
    IReadOnlyList<string> Alternatives,
    string SupplierLocationId,
    DateTimeOffset PublishedAt)
{
    public bool ActiveOn(DateOnly date) => From <= date && date <= To;

    /// <summary>How the notice lowers expected supplier deliveries in scenario evaluation.</summary>
    public DeliveryReduction ToReduction() =>
        new(ItemId, From, To, DeliveryFactor ?? (DeliveryQuantity is null ? 0 : null), DeliveryQuantity, SupplierLocationId);

    public static IReadOnlyList<Violation> Validate(ShortageNotice n, ICatalogView catalog)
    {
        var v = new Violations();
        v.Check(Text.IsToken(n.Id, Limits.MaxReportIdLength), "id", $"is required: 1-{Limits.MaxReportIdLength} characters without spaces");
        if (!Catalog.ItemId.IsValid(n.ItemId, out var why)) v.Add("item_id", why);
        else v.Check(catalog.TryGetItem(n.ItemId, out _), "item_id", $"unknown item '{n.ItemId}'; register it first");
        v.Check(n.From != default, "from", "is required (YYYY-MM-DD)");
        v.Check(n.To != default, "to", "is required (YYYY-MM-DD)");
        if (n.From != default && n.To != default) v.Check(n.From <= n.To, "to", "must not be before from");
        v.Check(Text.IsToken(n.Source, 64), "source", "is required: who announces it (e.g. lakemedelsverket, or the supplier)");
        v.Check(n.Reason.Length <= Limits.MaxNameLength, "reason", $"is longer than {Limits.MaxNameLength} characters");
        v.Check(n.DeliveryFactor is null || (double.IsFinite(n.DeliveryFactor.Value) && n.DeliveryFactor is >= 0 and <= 1),
            "delivery_factor", "must be between 0 and 1");
        v.Check(n.DeliveryQuantity is null or >= 0 and <= Limits.MaxQuantity, "delivery_quantity", "must not be negative");
        v.Check(n.Alternatives.Count <= 50, "alternatives", "at most 50 alternatives");
        for (var i = 0; i < n.Alternatives.Count && i < 50; i++)
            if (!Catalog.ItemId.IsValid(n.Alternatives[i], out var alt)) v.Add($"alternatives[{i}]", alt);
        if (n.SupplierLocationId.Length > 0)
            v.Check(catalog.TryGetLocation(n.SupplierLocationId, out _), "supplier_location_id", $"unknown location '{Text.Clip(n.SupplierLocationId)}'");
        return v.Items;
    }
}
