using Orleans.Serialization;
using Supply.Domain.Aggregation;
using Supply.Domain.Stock;

namespace Supply.Grains;

public static class SupplySerialization
{
    /// <summary>Domain types with Orleans surrogates (Stock/LedgerSurrogates.cs, Aggregation/LocationTotalsSurrogate.cs): binary, not JSON.</summary>
    private static readonly HashSet<Type> Surrogated =
        [typeof(LocationLedger), typeof(MovementEntry), typeof(ReportReceipt), typeof(LocationTotals)];

    /// <summary>
    /// Domain types stay plain C# (no Orleans attributes); Orleans carries them with System.Text.Json,
    /// except the location ledger and a location's totals, which are stored over and over and have binary surrogates.
    /// Register on every silo and client.
    /// </summary>
    public static ISerializerBuilder AddSupplyDomainTypes(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(isSupported: type =>
            type.Namespace?.StartsWith("Supply.Domain", StringComparison.Ordinal) == true && !Surrogated.Contains(type));
}
