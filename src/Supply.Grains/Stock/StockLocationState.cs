using Supply.Domain.Stock;

namespace Supply.Grains.Stock;

[GenerateSerializer]
public sealed class StockLocationState
{
    [Id(0)] public LocationLedger Ledger { get; set; } = new();
}
