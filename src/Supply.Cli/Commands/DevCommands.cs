using System.CommandLine;
using Supply.DevTokens;

namespace Supply.Cli.Commands;

/// <summary><c>supply dev token</c>: a bearer token signed with the development key, for a server in Development.</summary>
internal static class DevCommands
{
    private static readonly string[] Roles = ["region-reporter", "supplier-feed", "national-coordinator", "regional-reader", "admin"];

    public static Command Create(TextWriter stdout)
    {
        var role = new Option<string[]>("--role") { Description = "Role(s): " + string.Join(", ", Roles), Required = true, AllowMultipleArgumentsPerToken = true };
        role.AcceptOnlyFromAmong(Roles);
        var region = new Option<string[]>("--region") { Description = "Region code(s) the role applies to (e.g. 12), or 'all'", HelpName = "CODE" };
        var supplier = new Option<string[]>("--supplier") { Description = "Supplier(s) (location owner) a supplier-feed writes for", HelpName = "OWNER" };
        var name = new Option<string>("--name") { Description = "Who the token is for", DefaultValueFactory = _ => "developer" };
        var hours = new Option<int>("--hours") { Description = "Lifetime in hours", DefaultValueFactory = _ => 12 };

        var token = new Command("token",
            "Print a token signed with the well-known development key. A server accepts it only in the Development environment " +
            "(dotnet run does that); use it as SUPPLY_TOKEN or --token.") { role, region, supplier, name, hours };
        token.SetAction(r =>
        {
            var regions = r.GetValue(region) ?? [];
            if (regions.Contains("all")) regions = [.. Supply.Domain.Catalog.Regions.All.Select(x => x.Code).Order()];
            stdout.WriteLine(SupplyTokens.Mint(r.GetValue(name)!, r.GetValue(role)!, regions, r.GetValue(supplier),
                lifetime: TimeSpan.FromHours(Math.Clamp(r.GetValue(hours), 1, 24 * 30))));
            return 0;
        });
        return new Command("dev", "Development helpers") { token };
    }
}
