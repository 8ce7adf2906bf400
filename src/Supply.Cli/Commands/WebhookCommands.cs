using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Supply.Cli.Output;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply webhooks add|list|remove|dead-letters</c>: alert webhook subscriptions (docs/webhooks.md).</summary>
internal static class WebhookCommands
{
    private static readonly Dictionary<string, V1.CoverageLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["location"] = V1.CoverageLevel.Location,
        ["region"] = V1.CoverageLevel.Region,
        ["healthcare-region"] = V1.CoverageLevel.HealthcareRegion,
        ["nation"] = V1.CoverageLevel.Nation,
    };

    public static Command Webhooks(CommandKit kit) => new("webhooks", "Alert webhooks: coverage alerts POSTed to your endpoint as signed CloudEvents")
    {
        Add(kit), List(kit), Remove(kit), DeadLetters(kit),
    };

    private static Command Add(CommandKit kit)
    {
        var url = new Argument<string>("url") { Description = "Absolute http:// or https:// URL the events are POSTed to" };
        var level = new Option<string>("--level") { Description = "location, region, healthcare-region or nation", DefaultValueFactory = _ => "region" };
        level.AcceptOnlyFromAmong([.. Levels.Keys]);
        var region = RegionOption.Single();
        var item = new Option<string?>("--item") { Description = "Only this item", HelpName = "ITEM" };
        var group = new Option<string?>("--group") { Description = "Only this substitution group (instead of --item)", HelpName = "GROUP" };
        var days = new Option<double>("--days") { Description = "Alert when coverage falls below this many days", DefaultValueFactory = _ => 7 };
        var secret = new Option<string?>("--secret")
        {
            Description = "The HMAC-SHA256 key (16+ characters); without it the server makes one. Printed once, never listed again",
            HelpName = "SECRET",
        };
        var description = new Option<string?>("--description") { Description = "Who this is for", HelpName = "TEXT" };
        var json = kit.JsonOption();
        var command = new Command("add", "Subscribe a URL to alerts; prints the id and the signing secret (shown only now)")
            { url, level, region, item, group, days, secret, description, json };
        kit.SetAction(command, async (ctx, r, ct) =>
        {
            var request = new V1.CreateSubscriptionRequest
            {
                Url = r.GetValue(url)!,
                Secret = r.GetValue(secret) ?? "",
                Description = r.GetValue(description) ?? "",
                Filter = new V1.AlertFilter
                {
                    Level = Levels[r.GetValue(level)!],
                    RegionCode = r.GetValue(region) ?? "",
                    ItemId = r.GetValue(item) ?? "",
                    SubstitutionGroup = r.GetValue(group) ?? "",
                    ThresholdDays = r.GetValue(days),
                },
            };
            using var conn = ctx.Connect();
            // Not retried: a second attempt after a lost reply would make a second subscription.
            var reply = await conn.Webhooks.CreateSubscriptionAsync(request, cancellationToken: ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            ctx.Out.WriteLine($"subscription {reply.Id}");
            ctx.Out.WriteLine($"secret       {reply.Secret}");
            ctx.Out.WriteLine("Keep the secret: it signs every event (header Supply-Signature) and is never shown again.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandKit kit)
    {
        var json = kit.JsonOption();
        var command = new Command("list", "Subscriptions you may manage, with their delivery status") { json };
        kit.SetAction(command, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Webhooks.ListSubscriptionsAsync(new V1.ListSubscriptionsRequest(), cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("ID", "URL", "FILTER", "DELIVERED", "PENDING", "DEAD", "LAST SUCCESS", "LAST ERROR").Right("DELIVERED", "PENDING", "DEAD");
            foreach (var s in reply.Subscriptions)
                table.Add(s.Id, s.Url, FilterText(s.Filter), Fmt.N(s.Status.Delivered), s.Status.Pending.ToString(), s.Status.DeadLetters.ToString(),
                    Time(s.Status.LastSuccess), s.Status.LastError);
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CommandKit kit)
    {
        var id = new Argument<string>("id") { Description = "The subscription's id" };
        var command = new Command("remove", "Delete a subscription (its pending events and dead letters go with it)") { id };
        kit.SetAction(command, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            await conn.CallAsync(c => conn.Webhooks.DeleteSubscriptionAsync(new V1.DeleteSubscriptionRequest { Id = r.GetValue(id)! }, cancellationToken: c).ResponseAsync, ct);
            ctx.Out.WriteLine($"removed {r.GetValue(id)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DeadLetters(CommandKit kit)
    {
        var id = new Argument<string>("id") { Description = "The subscription's id" };
        var redeliver = new Option<bool>("--redeliver") { Description = "Put them back in the outbox (same event ids) instead of listing them" };
        var json = kit.JsonOption();
        var command = new Command("dead-letters", "Events given up on after the retry budget, newest first") { id, redeliver, json };
        kit.SetAction(command, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            if (r.GetValue(redeliver))
            {
                var requeued = await conn.CallAsync(c => conn.Webhooks.RedeliverDeadLettersAsync(
                    new V1.RedeliverDeadLettersRequest { SubscriptionId = r.GetValue(id)! }, cancellationToken: c).ResponseAsync, ct);
                if (r.GetValue(json)) { JsonOut.Write(ctx.Out, requeued); return ExitCodes.Ok; }
                ctx.Out.WriteLine($"requeued {requeued.Requeued} events");
                return ExitCodes.Ok;
            }
            var reply = await conn.CallAsync(c => conn.Webhooks.ListDeadLettersAsync(
                new V1.ListDeadLettersRequest { SubscriptionId = r.GetValue(id)! }, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("EVENT ID", "TYPE", "DETECTED", "DEAD SINCE", "ROUNDS", "LAST ERROR").Right("ROUNDS");
            foreach (var d in reply.DeadLetters) table.Add(d.EventId, d.Type, Time(d.CreatedAt), Time(d.DeadAt), d.Rounds.ToString(), d.LastError);
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string FilterText(V1.AlertFilter f) => string.Join(", ", new[]
    {
        Levels.First(l => l.Value == f.Level).Key + " level",
        f.RegionCode.Length > 0 ? $"region {f.RegionCode}" : "all regions",
        f.ItemId.Length > 0 ? $"item {f.ItemId}" : f.SubstitutionGroup.Length > 0 ? $"group {f.SubstitutionGroup}" : "",
        $"< {f.ThresholdDays.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} days",
    }.Where(p => p.Length > 0));

    private static string Time(Timestamp? t) => t is null ? "" : t.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ssZ");
}
