using Google.Protobuf.Reflection;
using Microsoft.OpenApi.Models;
using Supply.Dashboard.Hosting;
using Supply.Server.Hosting;

namespace Supply.Server.Extensions;

/// <summary>
/// REST/JSON for the gRPC services (gRPC JSON transcoding of the google.api.http paths in the protos), the OpenAPI
/// document at <see cref="OpenApiPath"/> and, in Development, Swagger UI at <see cref="ApiPagePath"/>; served on
/// their own HTTP/1.1 + HTTP/2 endpoint (<see cref="HttpApiEndpoint"/>). docs/rest.md.
/// </summary>
public static class RestApiExtensions
{
    public const string DocumentName = "v1";
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ApiPagePath = "/swagger";

    public static WebApplicationBuilder AddSupplyRestApi(this WebApplicationBuilder builder)
    {
        var options = builder.GetSupplyOptions();
        var dashboard = builder.Services.Select(d => d.IsKeyedService ? null : d.ImplementationInstance).OfType<DashboardEndpoint>().SingleOrDefault();
        var endpoint = HttpApiEndpoint.From(builder.Configuration, options, builder.GetListenEndpoints(), dashboard, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(endpoint);
        builder.WebHost.ConfigureKestrel(kestrel => endpoint.Apply(kestrel, options));

        // The same services, interceptors (authorization, error mapping) and limits as gRPC: transcoding calls them.
        // google.rpc error details (BadRequest naming each field) go into the JSON error body: register their types.
        builder.Services.AddGrpc().AddJsonTranscoding(o => o.TypeRegistry = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddEndpointsApiExplorer(); // minimal APIs (/fhir, /v1/exports, ...) appear in the document too
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Supply",
                Version = DocumentName,
                Description = "Sweden's medical-supply readiness: the gRPC services as REST/JSON (docs/rest.md). Bulk report " +
                    "streaming (StockReporting.StreamReports) is gRPC only. Authenticate with a bearer token or a client certificate.",
            });
            // The proto comments, compiled into the contracts' XML documentation.
            var comments = Path.Combine(AppContext.BaseDirectory, "Supply.Contracts.xml");
            if (File.Exists(comments))
            {
                swagger.IncludeXmlComments(comments);
                swagger.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            }
            swagger.DocInclusionPredicate((_, api) => api.ActionDescriptor.EndpointMetadata.OfType<DashboardEndpointMetadata>().FirstOrDefault() is null);
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "In Development: `dotnet run --project src/Supply.Cli -- dev token --role national-coordinator`.",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            swagger.AddSecurityDefinition("bearer", bearer);
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
        });
        return builder;
    }

    public static WebApplication MapSupplyRestApi(this WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<HttpApiEndpoint>();
        app.MapSwagger("/openapi/{documentName}.json");
        // The browsable page is for developers; production clients read the document.
        if (app.Environment.IsDevelopment())
            app.UseSwaggerUI(ui =>
            {
                ui.RoutePrefix = ApiPagePath.TrimStart('/');
                ui.SwaggerEndpoint(OpenApiPath, "Supply v1");
                ui.DocumentTitle = "Supply REST/JSON API";
            });
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (endpoint.IsOn) app.Logger.LogInformation("REST/JSON API: {Url} (OpenAPI {Document})", endpoint.Url, OpenApiPath);
            else app.Logger.LogWarning("REST/JSON API: off ({Reason})", endpoint.OffReason);
        });
        return app;
    }
}
