using Google.Protobuf.WellKnownTypes;
using Supply.Contracts.V1;

namespace Supply.LoadTest;

/// <summary>
/// The data of one run: N locations over the 21 regions, M items, and per round the snapshot reports.
/// </summary>
/// <remarks>
/// Cheap on purpose, so the figures measure the server: a round's report bodies are built once, as
/// <see cref="Variants"/> snapshots of all M items (location i sends variant i % Variants), and shared
/// by every report of the round; lots are built once for the whole run. A report is then one small
/// <see cref="StockReport"/> pointing at a shared body, with a report id and as-of shared by the round.
/// Quantities follow a formula of (round, variant, item), so the verification can recompute what any
/// location's last acknowledged report said without keeping it.
/// </remarks>
public sealed class Workload
{
    public const int Variants = 8;
    private const int ItemsPerRequest = 2_000;
    private const int LocationsPerRequest = 2_000;

    // The 21 Swedish region codes.
    public static readonly string[] RegionCodes =
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

    private static readonly LocationKind[] Kinds =
        [LocationKind.Hospital, LocationKind.MunicipalCare, LocationKind.Pharmacy, LocationKind.RegionalWarehouse];

    private readonly Lot[][] _lots;
    private readonly Dictionary<int, Round> _rounds = [];
    private readonly Lock _roundsLock = new();
    private readonly DateTimeOffset _firstAsOf;

    public Workload(int locations, int items, DateTimeOffset now)
    {
        RunId = $"lt{now:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";
        // Every round's as-of is 1 ms after the one before, starting 10 minutes ago: always in the past,
        // always later than an earlier run's (ids are unique per run, too), so a reused server accepts them.
        _firstAsOf = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero).AddMinutes(-10);

        LocationIds = new string[locations];
        for (var i = 0; i < locations; i++) LocationIds[i] = $"bench-{RegionCodes[i % RegionCodes.Length]}-{i:D6}";

        ItemIds = new string[items];
        ItemIndex = new Dictionary<string, int>(items, StringComparer.Ordinal);
        _lots = new Lot[items][];
        for (var j = 0; j < items; j++)
        {
            ItemIds[j] = (j % 10) switch
            {
                8 => $"ppe:bench-{j}",
                9 => $"vnr:{100_000 + j:D6}",
                _ => $"npl:{20_000_000_000_001L + j}",
            };
            ItemIndex[ItemIds[j]] = j;
            // Two items in three have lots: one or two (quantities well below the smallest on_hand).
            _lots[j] = (j % 3) switch
            {
                1 => [new Lot { LotNumber = $"B{j}-A", ExpiresOn = "2027-06-30", Quantity = 20 }],
                2 => [new Lot { LotNumber = $"B{j}-A", ExpiresOn = "2027-03-31", Quantity = 20 },
                      new Lot { LotNumber = $"B{j}-B", ExpiresOn = "2028-01-31", Quantity = 30 }],
                _ => [],
            };
        }
    }

    public string RunId { get; }
    public string[] LocationIds { get; }
    public string[] ItemIds { get; }
    public Dictionary<string, int> ItemIndex { get; }
    public int Items => ItemIds.Length;

    public IEnumerable<RegisterItemsRequest> ItemRequests()
    {
        for (var start = 0; start < ItemIds.Length; start += ItemsPerRequest)
        {
            var request = new RegisterItemsRequest();
            for (var j = start; j < Math.Min(ItemIds.Length, start + ItemsPerRequest); j++)
            {
                var (category, unit) = (j % 10) switch
                {
                    8 => (ItemCategory.Ppe, "piece"),
                    9 => (ItemCategory.Equipment, "piece"),
                    _ => (ItemCategory.Medicine, "dose"),
                };
                request.Items.Add(new Item
                {
                    Id = ItemIds[j], Name = $"Load-test item {j}", Category = category, BaseUnit = unit, PackSize = 10,
                    Criticality = (Criticality)(1 + j % 4),
                });
            }
            yield return request;
        }
    }

    public IEnumerable<RegisterLocationsRequest> LocationRequests()
    {
        for (var start = 0; start < LocationIds.Length; start += LocationsPerRequest)
        {
            var request = new RegisterLocationsRequest();
            for (var i = start; i < Math.Min(LocationIds.Length, start + LocationsPerRequest); i++)
            {
                request.Locations.Add(new Location
                {
                    Id = LocationIds[i], Name = $"Load-test location {i}", Kind = Kinds[i / RegionCodes.Length % Kinds.Length],
                    RegionCode = RegionCodes[i % RegionCodes.Length],
                });
            }
            yield return request;
        }
    }

    public static int VariantOf(int location) => location % Variants;

    // What the verification recomputes: the report of (round, variant) says this for item j.
    public static long OnHand(int round, int variant, int item) => 100 + (round * 37L + variant * 101L + item * 7L) % 10_000;
    public static long Reserved(long onHand, int item) => item % 4 == 0 ? onHand / 10 : 0;
    public static long Quarantined(int item) => item % 5 == 0 ? 2 : 0;
    public static double AverageDailyConsumption(int item) => 1.5 + item % 7;

    /// <summary>The shared parts of a round's reports: built on first use, dropped once every stream is well past it.</summary>
    public Round GetRound(int round)
    {
        lock (_roundsLock)
        {
            if (_rounds.TryGetValue(round, out var r)) return r;
            r = BuildRound(round);
            _rounds[round] = r;
            // Streams run through the rounds at about the same pace; a round dropped too early is only rebuilt.
            foreach (var old in _rounds.Keys.Where(k => k < round - 4).ToList()) _rounds.Remove(old);
            return r;
        }
    }

    private Round BuildRound(int round)
    {
        var snapshots = new Snapshot[Variants];
        for (var v = 0; v < Variants; v++)
        {
            var snapshot = new Snapshot();
            for (var j = 0; j < ItemIds.Length; j++)
            {
                var onHand = OnHand(round, v, j);
                var line = new SnapshotLine
                {
                    ItemId = ItemIds[j], OnHand = onHand, Reserved = Reserved(onHand, j), Quarantined = Quarantined(j),
                    AverageDailyConsumption = AverageDailyConsumption(j),
                };
                line.Lots.Add(_lots[j]); // the same Lot objects in every round: messages are only read once built
                snapshot.Lines.Add(line);
            }
            snapshots[v] = snapshot;
        }
        return new Round($"{RunId}-{round}", Timestamp.FromDateTimeOffset(_firstAsOf.AddMilliseconds(round)), snapshots);
    }

    /// <summary>Report id (unique per location: one report per location per round), as-of and bodies of a round.</summary>
    public sealed record Round(string ReportId, Timestamp AsOf, Snapshot[] Snapshots);
}
