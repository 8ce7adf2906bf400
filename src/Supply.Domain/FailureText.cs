using System.Runtime.CompilerServices;

namespace Supply.Domain;

/// <summary>
/// An interpolated string that is only formatted when a check fails: validation runs for every line
/// of every report, and building field paths and messages for lines that are fine was most of the
/// server's garbage.
/// </summary>
[InterpolatedStringHandler]
public ref struct FailureText
{
    private DefaultInterpolatedStringHandler _text;
    private readonly bool _failed;

    public FailureText(int literalLength, int formattedCount, bool ok, out bool shouldAppend)
    {
        _failed = !ok;
        shouldAppend = _failed;
        _text = _failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);
    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);
    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    public string Text() => _failed ? _text.ToStringAndClear() : "";
}
