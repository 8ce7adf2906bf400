using System.Collections.Concurrent;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Supply.Contracts.V1;
using Supply.DevTokens;
using static Supply.Server.Tests.TestData;

[assembly: HostingStartup(typeof(Supply.Server.Tests.LogCapture.Startup))]

namespace Supply.Server.Tests;

/// <summary>
/// Every log record a real in-process server writes, at every level its configuration lets through: attached by a
/// hosting startup named in <see cref="Args"/>, like <see cref="ObservabilityCapture"/>, with no hook in production code.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private const string IdKey = "Supply:Tests:LogCapture";
    private static readonly ConcurrentDictionary<string, LogCapture> Active = new();

    public LogCapture() => Active[Id] = this;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string[] Args => [$"--hostingStartupAssemblies={typeof(LogCapture).Assembly.GetName().Name}", $"--{IdKey}={Id}"];

    /// <summary>Category, formatted message, state values and exception text of each record.</summary>
    public ConcurrentQueue<string> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => Active.TryRemove(Id, out _);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            capture.Records.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }

    public sealed class Startup : IHostingStartup
    {
        public void Configure(IWebHostBuilder builder) => builder.ConfigureLogging((context, logging) =>
        {
            if (context.Configuration[IdKey] is { } id && Active.TryGetValue(id, out var capture))
                logging.AddProvider(capture);
        });
    }
}

/// <summary>The server never writes a secret it was given (signing key, certificate password) or sent (a token) to its log.</summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Signing_keys_certificate_passwords_and_tokens_never_reach_the_log()
    {
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var goodToken = SupplyTokens.Mint("log-reader", ["national-coordinator"], key: signingKey, issuer: "supply");
        var forgedToken = SupplyTokens.Mint("forger", ["admin"], key: Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), issuer: "supply");
        using var pki = new TestCertificates();
        using var logs = new LogCapture();
        string[] args =
        [
            .. pki.PfxServerArgs(), .. pki.IdentityArgs(), $"--Supply:Auth:Jwt:SigningKeys:0={signingKey}",
            // Everything, Orleans' dumps of its options at start included.
            "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Orleans=Information", "--Logging:LogLevel:Microsoft=Debug",
            "--Logging:LogLevel:Microsoft.AspNetCore=Debug", // appsettings.json sets it to Warning
            .. logs.Args,
        ];

        await using (var server = await TlsSupplyServer.StartAsync(pki, "Production", args))
        {
            var allowed = await new StockQuery.StockQueryClient(server.Channel(token: goodToken))
                .ListReportingStatusAsync(new ListReportingStatusRequest());
            var forged = await Assert.ThrowsAsync<RpcException>(() =>
                new Catalog.CatalogClient(server.Channel(token: forgedToken)).RegisterItemsAsync(Items()).ResponseAsync);
            var byCertificate = await Assert.ThrowsAsync<RpcException>(() =>
                new StockReporting.StockReportingClient(server.Channel(pki.Region12))
                    .SubmitReportAsync(Movements("se-12-hosp-nowhere", "r1", Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);

            Assert.NotNull(allowed);
            Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
            Assert.Equal(StatusCode.InvalidArgument, byCertificate.StatusCode); // past authentication, refused by validation
        }

        // The refused token and the certificate were logged about...
        Assert.Contains(logs.Records, r => r.Contains("Bearer was not authenticated", StringComparison.Ordinal));
        Assert.Contains(logs.Records, r => r.Contains("Microsoft.AspNetCore.Authentication.Certificate", StringComparison.Ordinal));
        foreach (var (what, secret) in new[]
        {
            ("JWT signing key", signingKey), ("certificate password", TestCertificates.PfxPassword),
            ("accepted token", goodToken), ("forged token", forgedToken),
            ("a token's signature", forgedToken[(forgedToken.LastIndexOf('.') + 1)..]),
        })
            Assert.False(logs.Records.Any(r => r.Contains(secret, StringComparison.Ordinal)), $"the {what} is in the log"); // ...never written
    }
}
