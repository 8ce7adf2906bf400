using Supply.Domain;
using Supply.Domain.Shortages;

namespace Supply.Grains.Shortages;

/// <summary>The nation's shortage notices (key: "se"); few, and read when scenarios run.</summary>
public interface IShortageNoticesGrain : IGrainWithStringKey
{
    /// <summary>Stores a notice (a notice with the same id replaces it); violations when refused.</summary>
    Task<IReadOnlyList<Violation>> Publish(Immutable<ShortageNotice> notice);

    [ReadOnly] Task<Immutable<IReadOnlyList<ShortageNotice>>> List();
}

/// <summary>The one shortage-notices grain's key.</summary>
public static class ShortageNoticesGrainKey
{
    public const string Sweden = "se";
}

[GenerateSerializer]
public sealed class ShortageNoticesState
{
    [Id(0)] public Dictionary<string, ShortageNotice> Notices { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ShortageNoticesGrain(
    [PersistentState("shortages", StorageNames.Default)] IPersistentState<ShortageNoticesState> state,
    Catalog.CatalogCache catalog) : Grain, IShortageNoticesGrain
{
    public async Task<IReadOnlyList<Violation>> Publish(Immutable<ShortageNotice> notice)
    {
        var book = await catalog.GetAsync();
        var violations = ShortageNotice.Validate(notice.Value, book);
        if (violations.Count > 0 && await catalog.RefreshAsync(book.Version))
            violations = ShortageNotice.Validate(notice.Value, await catalog.GetAsync());
        if (violations.Count > 0) return violations;

        var previous = state.State.Notices.GetValueOrDefault(notice.Value.Id);
        state.State.Notices[notice.Value.Id] = notice.Value;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (previous is null) state.State.Notices.Remove(notice.Value.Id);
            else state.State.Notices[notice.Value.Id] = previous;
            throw;
        }
        return [];
    }

    public Task<Immutable<IReadOnlyList<ShortageNotice>>> List() =>
        Task.FromResult(((IReadOnlyList<ShortageNotice>)state.State.Notices.Values
            .OrderBy(n => n.From).ThenBy(n => n.Id, StringComparer.Ordinal).ToList()).AsImmutable());
}
