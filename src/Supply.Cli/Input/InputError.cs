namespace Supply.Cli.Input;

/// <summary>
/// One problem in an input file, pointing at the line (1-based, the header is line 1) and, when
/// known, the column. <see cref="Line"/> 0 means the file as a whole.
/// </summary>
public sealed record InputError(string Source, int Line, string? Column, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}:{Line}" : Source;
        return Column is null ? $"{where}: {Message}" : $"{where}: {Column}: {Message}";
    }
}

/// <summary>A parsed file, or why it could not be parsed. Files with errors are never sent.</summary>
public sealed record ReadResult<T>(T? Value, IReadOnlyList<InputError> Errors) where T : class
{
    public bool Ok => Errors.Count == 0 && Value is not null;

    public static ReadResult<T> Success(T value) => new(value, []);
    public static ReadResult<T> Failure(IReadOnlyList<InputError> errors) => new(null, errors);
    public static ReadResult<T> Failure(InputError error) => new(null, [error]);
}

/// <summary>The formats an input file can have, chosen by its extension.</summary>
public enum FileFormat { Csv, Json }

public static class FileFormats
{
    /// <summary>.json is JSON; .csv and .txt are CSV; anything else is refused so a wrong file is not guessed at.</summary>
    public static bool TryFromPath(string path, out FileFormat format)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        format = ext == ".json" ? FileFormat.Json : FileFormat.Csv;
        return ext is ".csv" or ".txt" or ".json";
    }
}
