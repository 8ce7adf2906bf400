namespace Supply.Gs1;

/// <summary>
/// What a scanned GS1 payload says about one pack: AI 01 (GTIN-14), AI 10 (batch/lot), AI 17 (expiry) and AI 21 (serial).
/// Any may be absent. <see cref="Expiry"/> is the date GS1 carries: the last day the pack may be used
/// (a day of 00 in the payload already resolved to the last day of its month).
/// </summary>
public sealed record Gs1Data(string? Gtin, string? Batch, DateOnly? Expiry, string? Serial)
{
    public static readonly Gs1Data Empty = new(null, null, null, null);

    /// <summary>The GTIN as Supply's item id (<c>gtin:</c> and the 14 digits as scanned).</summary>
    public string? ItemId => Gtin is null ? null : "gtin:" + Gtin;
}

/// <summary>Why a payload was refused, and where: <see cref="Position"/> is the 0-based index of the character at fault.</summary>
public sealed record Gs1Error(int Position, string Message)
{
    public override string ToString() => $"at position {Position}: {Message}";
}

public sealed class Gs1FormatException(Gs1Error error) : FormatException(error.ToString())
{
    public Gs1Error Error { get; } = error;
}
