using Supply.Fhir;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class FhirExtensions
{
    /// <summary>The FHIR R5 InventoryReport endpoints (IHE SUPPLY PHARM-S5 and PHARM-S7); options under Supply:Fhir.</summary>
    public static WebApplicationBuilder AddSupplyFhir(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.Section);
        builder.Services.AddSingleton<FhirInventoryEndpoints>();
        return builder;
    }

    /// <summary>
    /// <c>POST /fhir/InventoryReport</c>, <c>GET /fhir/InventoryReport?location=…|item=…</c> and <c>GET /fhir/metadata</c>, as plain
    /// minimal APIs. They answer on the endpoints that serve the API (not the dashboard's), authenticated like gRPC.
    /// </summary>
    public static WebApplication MapSupplyFhir(this WebApplication app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapPost("/InventoryReport", (HttpContext http, FhirInventoryEndpoints e) => e.SubmitAsync(http));
        fhir.MapGet("/InventoryReport", (HttpContext http, FhirInventoryEndpoints e) => e.QueryAsync(http));
        fhir.MapGet("/metadata", (HttpContext http, FhirInventoryEndpoints e) => e.CapabilityStatementAsync(http));
        return app;
    }
}
