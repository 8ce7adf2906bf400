using Grpc.Core;
using Polly.CircuitBreaker;
using Supply.Cli.Transport;

namespace Supply.Cli.Tests;

public class ResilienceTests
{
    private static readonly ResilienceSettings Fast = new()
    {
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        BreakerMinimumThroughput = 100,
    };

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task Transient_statuses_are_retried(StatusCode code)
    {
        var pipeline = SupplyResilience.Build(Fast);
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ =>
        {
            if (++calls < 3) throw new RpcException(new Status(code, "busy"));
            return ValueTask.FromResult(42);
        });
        Assert.Equal((42, 3), (result, calls));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.Internal)]
    public async Task Other_statuses_are_not_retried(StatusCode code)
    {
        var pipeline = SupplyResilience.Build(Fast);
        var calls = 0;
        var e = await Assert.ThrowsAsync<RpcException>(async () => await pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new RpcException(new Status(code, "no"));
        }));
        Assert.Equal((code, 1), (e.StatusCode, calls));
    }

    [Fact]
    public async Task Gives_up_after_the_configured_retries()
    {
        var pipeline = SupplyResilience.Build(Fast with { MaxRetries = 2 });
        var calls = 0;
        await Assert.ThrowsAsync<RpcException>(async () => await pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.Unavailable, "down"));
        }));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        var pipeline = SupplyResilience.Build(Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(50) });
        var calls = 0;
        var result = await pipeline.ExecuteAsync(async ct =>
        {
            if (++calls == 1) await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return 7;
        });
        Assert.Equal((7, 2), (result, calls));
    }

    [Fact]
    public async Task The_breaker_opens_after_repeated_failures()
    {
        var pipeline = SupplyResilience.Build(Fast with { MaxRetries = 0, BreakerMinimumThroughput = 3, BreakDuration = TimeSpan.FromSeconds(30) });
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<RpcException>(async () => await pipeline.ExecuteAsync<int>(_ =>
                throw new RpcException(new Status(StatusCode.Unavailable, "down"))));
        var calls = 0;
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls)));
        Assert.Equal(0, calls);
    }
}
