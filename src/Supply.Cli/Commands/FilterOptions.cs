using System.CommandLine;
using System.CommandLine.Parsing;
using Supply.Domain.Catalog;

namespace Supply.Cli.Commands;

internal static class RegionOption
{
    public static Option<string?> Single() => Validated(new Option<string?>("--region")
    {
        Description = "Region code (länskod), e.g. 01 or 14",
        HelpName = "CODE",
    });

    public static Option<string[]> Many() => Validated(new Option<string[]>("--region")
    {
        Description = "Region code (länskod), e.g. 01 or 14; repeat for several",
        HelpName = "CODE",
        DefaultValueFactory = _ => [],
    });

    private static Option<T> Validated<T>(Option<T> option)
    {
        option.Validators.Add((OptionResult r) =>
        {
            foreach (var code in r.Tokens.Select(t => t.Value))
                if (!Regions.IsRegionCode(code))
                    r.AddError($"--region: '{code}' is not a region code; use one of {string.Join(", ", Regions.All.Select(x => x.Code).Order())}");
        });
        return option;
    }
}

internal static class KindOption
{
    public static Option<string?> Single()
    {
        var o = new Option<string?>("--kind") { Description = "Location kind: " + Words.List(Words.LocationKinds), HelpName = "KIND" };
        o.AcceptOnlyFromAmong([.. Words.LocationKinds.Keys]);
        return o;
    }

    public static Option<string[]> Many()
    {
        var o = new Option<string[]>("--kind")
        {
            Description = "Location kind: " + Words.List(Words.LocationKinds) + "; repeat for several",
            HelpName = "KIND",
            DefaultValueFactory = _ => [],
        };
        o.AcceptOnlyFromAmong([.. Words.LocationKinds.Keys]);
        return o;
    }
}
