namespace Supply.Fhir.Model;

/// <summary>FHIR's error (and information) answer: one issue per problem, each naming the element at fault in <see cref="OperationOutcomeIssue.Expression"/>.</summary>
public sealed class OperationOutcome
{
    public string ResourceType { get; set; } = "OperationOutcome";
    public List<OperationOutcomeIssue> Issue { get; set; } = [];

    public static OperationOutcome Error(string code, string diagnostics, string? expression = null) =>
        new() { Issue = [OperationOutcomeIssue.Error(code, diagnostics, expression)] };
}

public sealed class OperationOutcomeIssue
{
    /// <summary>fatal | error | warning | information</summary>
    public string Severity { get; set; } = "error";
    /// <summary>From FHIR's issue-type codes: invalid, structure, required, value, not-found, security, login, forbidden, duplicate, processing, exception.</summary>
    public string Code { get; set; } = "invalid";
    public string? Diagnostics { get; set; }
    public List<string>? Expression { get; set; }

    public static OperationOutcomeIssue Error(string code, string diagnostics, string? expression = null) =>
        new() { Code = code, Diagnostics = diagnostics, Expression = expression is null ? null : [expression] };
}
