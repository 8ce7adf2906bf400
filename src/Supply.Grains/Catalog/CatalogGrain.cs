using Supply.Domain;
using Supply.Domain.Catalog;

namespace Supply.Grains.Catalog;

public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Default)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    public Task<CatalogChange> RegisterItems(Immutable<IReadOnlyList<Item>> items) =>
        Register(book => book.RegisterItems(items.Value));

    public Task<CatalogChange> RegisterLocations(Immutable<IReadOnlyList<Location>> locations) =>
        Register(book => book.RegisterLocations(locations.Value));

    // Readers get the same object the grain holds; every change swaps in a new copy, so they never see it move.
    public Task<Immutable<CatalogBook>> GetCatalog() => Task.FromResult(state.State.Book.AsImmutable());

    public Task<long> GetVersion() => Task.FromResult(state.State.Book.Version);

    private async Task<CatalogChange> Register(Func<CatalogBook, RegisterResult> change)
    {
        var next = Copy(state.State.Book);
        RegisterResult result;
        try
        {
            result = change(next);
        }
        catch (DomainValidationException e)
        {
            return new CatalogChange(null, e.Violations);
        }
        if (next.Version != state.State.Book.Version)
        {
            var previous = state.State.Book;
            state.State.Book = next;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State.Book = previous;
                throw;
            }
        }
        return new CatalogChange(result, []);
    }

    private static CatalogBook Copy(CatalogBook b) => new()
    {
        Items = new Dictionary<string, Item>(b.Items, StringComparer.Ordinal),
        Locations = new Dictionary<string, Location>(b.Locations, StringComparer.Ordinal),
        Version = b.Version,
    };
}
