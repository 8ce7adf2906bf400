using Google.Protobuf;

namespace Supply.Cli.Output;

/// <summary>Machine output (--json): the contract's own JSON mapping (proto3 JSON), every field present.</summary>
public static class JsonOut
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    public static void Write(TextWriter w, IMessage message) => w.WriteLine(Formatter.Format(message));
}
