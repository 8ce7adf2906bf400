using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

public sealed class CatalogAndHealthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;

    [Fact]
    public async Task Registration_is_an_upsert_that_counts_what_changed()
    {
        var first = await Server.Catalog.RegisterItemsAsync(Items());
        var again = await Server.Catalog.RegisterItemsAsync(Items());
        var changed = Items();
        changed.Items[0].Name = "Paracetamol 500 mg filmdragerad tablett";
        var update = await Server.Catalog.RegisterItemsAsync(changed);

        Assert.Equal(Items().Items.Count, first.Created + first.Updated + first.Unchanged);
        Assert.Equal(Items().Items.Count, again.Unchanged);
        Assert.Equal(first.CatalogVersion, again.CatalogVersion);
        Assert.Equal((1, again.CatalogVersion + 1), (update.Updated, update.CatalogVersion));

        var ppe = await Server.Catalog.ListItemsAsync(new ListItemsRequest { Category = ItemCategory.Ppe });
        Assert.Equal([Ffp2], ppe.Items.Select(i => i.Id));
        Assert.Equal(Criticality.Standard, ppe.Items[0].Criticality); // unspecified becomes standard
        Assert.Equal(1, ppe.Items[0].PackSize); // unspecified becomes 1
    }

    [Fact]
    public async Task Locations_list_by_region_and_kind()
    {
        var ids = await RegisterAsync(Server, ("22", LocationKind.Pharmacy), ("22", LocationKind.Hospital));
        var pharmacies = await Server.Catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = "22", Kind = LocationKind.Pharmacy });
        Assert.Contains(pharmacies.Locations, l => l.Id == ids[0]);
        Assert.DoesNotContain(pharmacies.Locations, l => l.Id == ids[1]);
    }

    [Fact]
    public async Task Health_reports_serving_and_reflection_lists_the_services()
    {
        var client = new Health.HealthClient(Server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await client.CheckAsync(new HealthCheckRequest())).Status);
        // Kubernetes' liveness probe asks for "liveness": the process, not its dependencies.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await client.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);

        using var call = new ServerReflection.ServerReflectionClient(Server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("supply.v1.StockReporting", services);
        Assert.Contains("supply.v1.StockQuery", services);
        Assert.Contains("supply.v1.Catalog", services);
    }
}
