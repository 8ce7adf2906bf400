using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Supply.Cli.Input;
using Supply.Cli.Transport;

namespace Supply.Cli;

/// <summary>Turns whatever went wrong into a readable message on stderr and an exit code (see <see cref="ExitCodes"/>).</summary>
internal static class Failures
{
    /// <param name="locate">Names the file line of a server field path ("items[3].name" → "items.csv:5: name"), when known.</param>
    public static int Handle(Exception ex, CliContext ctx, Func<string, string>? locate = null)
    {
        var err = ctx.Err;
        switch (ex)
        {
            case RpcException r when SupplyResilience.IsTransient(r) || r.StatusCode == StatusCode.Cancelled:
                err.WriteLine($"error: cannot reach the supply server at {ctx.ServerText} ({r.StatusCode}: {Detail(r)}).");
                err.WriteLine(Attempts(ctx) + " Is the server running? Set the address with --server or SUPPLY_SERVER.");
                return ExitCodes.ServerUnreachable;
            case TimeoutRejectedException:
                err.WriteLine($"error: the supply server at {ctx.ServerText} did not answer within {ctx.Settings.AttemptTimeout.TotalSeconds:0.#} s.");
                err.WriteLine(Attempts(ctx) + " Try again later or raise --timeout.");
                return ExitCodes.ServerUnreachable;
            case BrokenCircuitException:
                err.WriteLine($"error: the supply server at {ctx.ServerText} keeps failing; stopped calling it for now (circuit breaker open).");
                return ExitCodes.ServerUnreachable;
            case RpcException r:
                err.WriteLine($"error: the server refused the request ({r.StatusCode}): {Detail(r)}");
                foreach (var v in Violations(r))
                    err.WriteLine("  " + (locate?.Invoke(v.Field) ?? v.Field) + ": " + v.Description);
                return ExitCodes.ServerRefused;
            case HttpRequestException or SocketException:
                err.WriteLine($"error: cannot reach the supply server at {ctx.ServerText}: {ex.Message}");
                return ExitCodes.ServerUnreachable;
            case OperationCanceledException:
                err.WriteLine("error: cancelled.");
                return ExitCodes.InputError;
            default:
                err.WriteLine($"error: unexpected {ex.GetType().Name}: {ex.Message}");
                if (Environment.GetEnvironmentVariable("SUPPLY_DEBUG") is { Length: > 0 }) err.WriteLine(ex);
                return ExitCodes.InputError;
        }
    }

    /// <summary>The field violations of an INVALID_ARGUMENT reply (google.rpc.BadRequest details).</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> Violations(RpcException r)
    {
        try
        {
            return r.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or FormatException)
        {
            return []; // malformed details: the status message still says what happened
        }
    }

    /// <summary>Prints the errors of an input file; returns exit code 1.</summary>
    public static int InputErrors(CliContext ctx, IReadOnlyList<InputError> errors, string what)
    {
        ctx.Err.WriteLine($"error: {what}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}; nothing was sent.");
        foreach (var e in errors.Take(100)) ctx.Err.WriteLine("  " + e);
        if (errors.Count > 100) ctx.Err.WriteLine($"  ... and {errors.Count - 100} more");
        return ExitCodes.InputError;
    }

    private static string Detail(RpcException r) => string.IsNullOrWhiteSpace(r.Status.Detail) ? "no detail" : r.Status.Detail.TrimEnd('.');

    private static string Attempts(CliContext ctx) =>
        ctx.Settings.MaxRetries == 0 ? "Tried once." : $"Tried {ctx.Settings.MaxRetries + 1} times.";
}
