using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

[assembly: HostingStartup(typeof(Supply.Server.Tests.ObservabilityCapture.Startup))]

namespace Supply.Server.Tests;

/// <summary>
/// Captures what a real in-process server exports, without a hook in production code: the server is started with
/// <see cref="Args"/>, which make ASP.NET Core run <see cref="Startup"/> (a hosting startup in this assembly, used
/// only when named) before the app's own services are added. It adds an in-memory span exporter and a manually
/// collected metric reader to the server's OpenTelemetry providers, so the production sources, meters and views are
/// what is tested; only the exporter is the test's.
/// </summary>
public sealed class ObservabilityCapture : IDisposable
{
    private const string IdKey = "Supply:Tests:TelemetryCapture";
    private static readonly ConcurrentDictionary<string, ObservabilityCapture> Active = new();

    private readonly Lock _metricsLock = new();
    private readonly List<MetricValue> _collected = [];
    private BaseExportingMetricReader? _reader;

    public ObservabilityCapture() => Active[Id] = this;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Server arguments that attach this capture to the server's telemetry.</summary>
    public string[] Args => [$"--hostingStartupAssemblies={typeof(ObservabilityCapture).Assembly.GetName().Name}", $"--{IdKey}={Id}"];

    /// <summary>Every finished span the server's tracer provider exported.</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>The server's root services (set when its meter provider is built).</summary>
    public IServiceProvider Services { get; private set; } = null!;

    /// <summary>Collects every instrument now (cumulative values since start).</summary>
    public IReadOnlyList<MetricValue> CollectMetrics()
    {
        lock (_metricsLock)
        {
            _collected.Clear();
            if (_reader is null || !_reader.Collect(10_000)) throw new InvalidOperationException("the server's metrics could not be collected");
            return [.. _collected];
        }
    }

    /// <summary>Waits until a span matching the predicate has been exported.</summary>
    public async Task<Activity> WaitForSpanAsync(Func<Activity, bool> predicate, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (Spans.FirstOrDefault(predicate) is { } span) return span;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no span {what} within 15 s; exported: " +
            string.Join(", ", Spans.Select(s => $"{s.Source.Name}/{s.DisplayName}").Distinct()));
    }

    public void Dispose() => Active.TryRemove(Id, out _);

    private void Attach(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new SpanExporter(Spans))));
        services.ConfigureOpenTelemetryMeterProvider((sp, m) =>
        {
            Services = sp;
            _reader = new BaseExportingMetricReader(new MetricExporter(this));
            m.AddReader(_reader);
        });
    }

    /// <summary>Runs in the server's builder when <see cref="Args"/> name this assembly as a hosting startup.</summary>
    public sealed class Startup : IHostingStartup
    {
        public void Configure(IWebHostBuilder builder) => builder.ConfigureServices((context, services) =>
        {
            if (context.Configuration[IdKey] is { } id && Active.TryGetValue(id, out var capture))
                capture.Attach(services);
        });
    }

    private sealed class SpanExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch) spans.Enqueue(span);
            return ExportResult.Success;
        }
    }

    /// <summary>Copies each metric point's value out as it is exported (the SDK reuses its metric objects).</summary>
    private sealed class MetricExporter(ObservabilityCapture capture) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var tag in point.Tags) tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    double value = metric.MetricType switch
                    {
                        MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                        MetricType.LongGauge => point.GetGaugeLastValueLong(),
                        MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                        MetricType.Histogram => point.GetHistogramCount(),
                        _ => double.NaN,
                    };
                    capture._collected.Add(new MetricValue(metric.MeterName, metric.Name, metric.Unit, tags, value,
                        metric.MetricType == MetricType.Histogram ? point.GetHistogramSum() : 0));
                }
            }
            return ExportResult.Success;
        }
    }
}

/// <summary>One metric point: the value of a sum or gauge, or a histogram's count (and its sum).</summary>
public sealed record MetricValue(string Meter, string Name, string Unit, IReadOnlyDictionary<string, string> Tags, double Value, double HistogramSum)
{
    public string? Tag(string key) => Tags.GetValueOrDefault(key);
}
