namespace Supply.Cli;

/// <summary>
/// Process exit codes of <c>supply</c> (also listed in <c>supply --help</c>).
/// <list type="bullet">
/// <item>0 — done.</item>
/// <item>1 — usage error or a bad input file (nothing was sent), or interrupted.</item>
/// <item>2 — the server refused or failed the request (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, INTERNAL, ...),
/// or a streamed report was rejected.</item>
/// <item>3 — the server could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED after the
/// retries, time-out, or the circuit breaker is open).</item>
/// </list>
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InputError = 1;
    public const int ServerRefused = 2;
    public const int ServerUnreachable = 3;

    public const string HelpText =
        "Exit codes: 0 ok; 1 usage or input file error (nothing sent); 2 server refused or failed the request; " +
        "3 server unreachable (after retries).";
}
