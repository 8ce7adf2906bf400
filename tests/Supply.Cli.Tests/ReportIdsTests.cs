using System.Text;
using Supply.Domain.Stock;

namespace Supply.Cli.Tests;

public class ReportIdsTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("item_id,on_hand\nppe:ffp2,10\n");
    private static readonly DateTimeOffset AsOf = new(2025, 3, 14, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Same_input_gives_the_same_id()
    {
        var a = ReportIds.Derive(Content, "se-01-hosp-karolinska", AsOf, ReportKind.Snapshot);
        var b = ReportIds.Derive(Content.ToArray(), "se-01-hosp-karolinska", AsOf.ToOffset(TimeSpan.FromHours(1)), ReportKind.Snapshot);
        Assert.Equal(a, b);
        Assert.Matches("^cli-[0-9a-f]{32}$", a);
    }

    [Fact]
    public void The_id_is_stable_across_versions()
    {
        // Changing this breaks idempotent resends of files sent with an earlier CLI: don't, without a reason.
        Assert.Equal(Golden, ReportIds.Derive(Content, "se-01-hosp-karolinska", AsOf, ReportKind.Snapshot));
    }

    private const string Golden = "cli-4cd8e1a204d7bbc54169e4d6b25602a2"; // sha256("supply-report-v1␟location␟as-of␟kind␞" + content), first 16 bytes

    [Fact]
    public void Any_change_gives_a_new_id()
    {
        var id = ReportIds.Derive(Content, "se-01-hosp-karolinska", AsOf, ReportKind.Snapshot);
        Assert.NotEqual(id, ReportIds.Derive(Encoding.UTF8.GetBytes("item_id,on_hand\nppe:ffp2,11\n"), "se-01-hosp-karolinska", AsOf, ReportKind.Snapshot));
        Assert.NotEqual(id, ReportIds.Derive(Content, "se-01-hosp-sodersjukhuset", AsOf, ReportKind.Snapshot));
        Assert.NotEqual(id, ReportIds.Derive(Content, "se-01-hosp-karolinska", AsOf.AddSeconds(1), ReportKind.Snapshot));
        Assert.NotEqual(id, ReportIds.Derive(Content, "se-01-hosp-karolinska", AsOf, ReportKind.PhysicalCount));
    }
}
