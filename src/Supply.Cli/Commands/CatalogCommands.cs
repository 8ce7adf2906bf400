using System.CommandLine;
using Supply.Cli.Input;
using Supply.Cli.Output;
using Supply.Contracts.Mapping;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply items ...</c> and <c>supply locations ...</c>.</summary>
internal static class CatalogCommands
{
    public static Command Items(CommandKit kit)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV (header: " + string.Join(",", CatalogFileReader.ItemColumns) + ") or JSON array of objects with those names" };
        var register = new Command("register", "Register or update catalog items from a file (applied whole or not at all)") { file };
        kit.SetAction(register, async (ctx, r, ct) =>
        {
            var path = r.GetValue(file)!.FullName;
            var read = CatalogFileReader.ReadItems(path);
            if (!read.Ok) return Failures.InputErrors(ctx, read.Errors, Path.GetFileName(path));
            var entries = read.Value!;
            var request = new V1.RegisterItemsRequest();
            request.Items.AddRange(entries.Values.Select(i => i.ToContract()));
            using var conn = ctx.Connect();
            try
            {
                var reply = await conn.CallAsync(c => conn.Catalog.RegisterItemsAsync(request, cancellationToken: c).ResponseAsync, ct);
                ctx.Out.WriteLine($"Registered {entries.Values.Count} items from {Path.GetFileName(path)}: {Summary(reply)}");
                return ExitCodes.Ok;
            }
            catch (Exception e)
            {
                return Failures.Handle(e, ctx, Locator(Path.GetFileName(path), entries.Lines));
            }
        });

        var category = new Option<string?>("--category") { Description = "Only this category" };
        category.AcceptOnlyFromAmong([.. Words.Categories.Keys]);
        var group = new Option<string?>("--group") { Description = "Only this substitution group" };
        var json = kit.JsonOption();
        var list = new Command("list", "List catalog items") { category, group, json };
        kit.SetAction(list, async (ctx, r, ct) =>
        {
            var request = new V1.ListItemsRequest { SubstitutionGroup = r.GetValue(group) ?? "" };
            if (Words.TryParse(Words.Categories, r.GetValue(category), out var c)) request.Category = (V1.ItemCategory)c;
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(t => conn.Catalog.ListItemsAsync(request, cancellationToken: t).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("ID", "NAME", "CATEGORY", "UNIT", "PACK", "GROUP", "CRITICALITY").Right("PACK");
            foreach (var i in reply.Items.OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                var d = i.ToDomain();
                table.Add(d.Id, Fmt.Clip(d.Name, 50), Words.Of(d.Category), d.BaseUnit, d.PackSize.ToString(), d.SubstitutionGroup, Words.Of(d.Criticality));
            }
            table.WriteTo(ctx.Out);
            ctx.Out.WriteLine($"{reply.Items.Count} items (catalog version {reply.CatalogVersion})");
            return ExitCodes.Ok;
        });

        return new Command("items", "Catalog items: medicines, equipment, PPE") { register, list };
    }

    public static Command Locations(CommandKit kit)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV (header: " + string.Join(",", CatalogFileReader.LocationColumns) + ") or JSON array of objects with those names" };
        var register = new Command("register", "Register or update locations from a file (applied whole or not at all)") { file };
        kit.SetAction(register, async (ctx, r, ct) =>
        {
            var path = r.GetValue(file)!.FullName;
            var read = CatalogFileReader.ReadLocations(path);
            if (!read.Ok) return Failures.InputErrors(ctx, read.Errors, Path.GetFileName(path));
            var entries = read.Value!;
            var request = new V1.RegisterLocationsRequest();
            request.Locations.AddRange(entries.Values.Select(l => l.ToContract()));
            using var conn = ctx.Connect();
            try
            {
                var reply = await conn.CallAsync(c => conn.Catalog.RegisterLocationsAsync(request, cancellationToken: c).ResponseAsync, ct);
                ctx.Out.WriteLine($"Registered {entries.Values.Count} locations from {Path.GetFileName(path)}: {Summary(reply)}");
                return ExitCodes.Ok;
            }
            catch (Exception e)
            {
                return Failures.Handle(e, ctx, Locator(Path.GetFileName(path), entries.Lines));
            }
        });

        var region = RegionOption.Single();
        var kind = KindOption.Single();
        var json = kit.JsonOption();
        var list = new Command("list", "List locations") { region, kind, json };
        kit.SetAction(list, async (ctx, r, ct) =>
        {
            var request = new V1.ListLocationsRequest { RegionCode = r.GetValue(region) ?? "" };
            if (Words.TryParse(Words.LocationKinds, r.GetValue(kind), out var k)) request.Kind = (V1.LocationKind)k;
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(t => conn.Catalog.ListLocationsAsync(request, cancellationToken: t).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("ID", "NAME", "KIND", "REGION", "MUNICIPALITY");
            foreach (var l in reply.Locations.OrderBy(l => l.RegionCode, StringComparer.Ordinal).ThenBy(l => l.Id, StringComparer.Ordinal))
            {
                var d = l.ToDomain();
                table.Add(d.Id, Fmt.Clip(d.Name, 50), Words.Of(d.Kind), d.RegionCode, d.MunicipalityCode);
            }
            table.WriteTo(ctx.Out);
            ctx.Out.WriteLine($"{reply.Locations.Count} locations (catalog version {reply.CatalogVersion})");
            return ExitCodes.Ok;
        });

        return new Command("locations", "Stock locations: hospitals, warehouses, care units, stockpiles, pharmacies, suppliers") { register, list };
    }

    internal static string Summary(V1.RegisterResponse r) =>
        $"{r.Created} created, {r.Updated} updated, {r.Unchanged} unchanged (catalog version {r.CatalogVersion})";

    /// <summary>"items[3].name" → "items.csv:5: name".</summary>
    private static Func<string, string> Locator(string source, IReadOnlyList<int> lines) => field =>
    {
        var (line, column) = CatalogFileReader.Locate(field, lines);
        return line == 0 ? field : column is null ? $"{source}:{line}" : $"{source}:{line}: {column}";
    };
}
