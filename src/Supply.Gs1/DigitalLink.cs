namespace Supply.Gs1;

/// <summary>
/// GS1 Digital Link URIs: <c>https://{any host}/{optional path}/01/{gtin}[/22/…][/10/{batch}][/21/{serial}][?17=YYMMDD&amp;…]</c>.
/// The GTIN may be given with 8, 12, 13 or 14 digits (it is read as GTIN-14). Query parameters that are not
/// numeric AIs (linkType, …) are ignored. Values are percent-decoded.
/// </summary>
public static class DigitalLink
{
    internal static Gs1Error? Read(string uri, Gs1Parser.Fields fields)
    {
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = uri.IndexOf('/', schemeEnd);
        if (pathStart < 0) return new Gs1Error(uri.Length, "a Digital Link URI needs a path with /01/ and a GTIN");
        var queryStart = uri.IndexOfAny(['?', '#'], pathStart);
        var pathEnd = queryStart < 0 ? uri.Length : queryStart;

        // Segments with their start positions, so an error can point into the URI.
        var segments = new List<(string Text, int At)>();
        for (var at = pathStart + 1; at <= pathEnd;)
        {
            var next = uri.IndexOf('/', at, pathEnd - at);
            if (next < 0) next = pathEnd;
            segments.Add((uri[at..next], at));
            at = next + 1;
        }
        var gtinAt = segments.FindIndex(s => s.Text == ApplicationIdentifiers.Gtin);
        if (gtinAt < 0 || gtinAt + 1 >= segments.Count) return new Gs1Error(pathStart, "a Digital Link URI needs /01/ followed by a GTIN in its path");
        var (gtin, at01) = segments[gtinAt + 1];
        if (gtin.Length is 8 or 12 or 13 && !gtin.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            // Shorter GTINs are padded; a check digit error still points at the digit as written.
            if (!Gtin.IsValid(gtin)) return new Gs1Error(at01 + gtin.Length - 1, $"bad GTIN check digit: {gtin[^1]}, expected {Gtin.CheckDigit(gtin.AsSpan(0, gtin.Length - 1))}");
            gtin = Gtin.ToGtin14(gtin);
            at01 -= 14 - segments[gtinAt + 1].Text.Length;
        }
        if (fields.Set(ApplicationIdentifiers.Find(ApplicationIdentifiers.Gtin)!, gtin, at01) is { } gtinError) return gtinError;

        for (var i = gtinAt + 2; i < segments.Count; i += 2)
        {
            var (code, codeAt) = segments[i];
            if (code is not ("22" or ApplicationIdentifiers.Batch or ApplicationIdentifiers.Serial))
                return new Gs1Error(codeAt, $"'{code}' is not a key qualifier of a GTIN (22, 10, 21) in a Digital Link path");
            if (i + 1 >= segments.Count) return new Gs1Error(pathEnd, $"AI {code} has no value");
            if (Set(fields, code, segments[i + 1].Text, segments[i + 1].At) is { } error) return error;
        }

        if (queryStart < 0 || uri[queryStart] == '#') return null;
        var fragment = uri.IndexOf('#', queryStart);
        var queryEnd = fragment < 0 ? uri.Length : fragment;
        for (var at = queryStart + 1; at < queryEnd;)
        {
            var next = uri.IndexOf('&', at, queryEnd - at);
            if (next < 0) next = queryEnd;
            var eq = uri.IndexOf('=', at, next - at);
            if (eq > at)
            {
                var key = uri[at..eq];
                if (!key.AsSpan().ContainsAnyExceptInRange('0', '9'))
                {
                    if (ApplicationIdentifiers.Find(key) is null) return new Gs1Error(at, $"'{key}' is not an application identifier that Supply reads");
                    if (Set(fields, key, uri[(eq + 1)..next], eq + 1) is { } error) return error;
                }
            }
            at = next + 1;
        }
        return null;
    }

    private static Gs1Error? Set(Gs1Parser.Fields fields, string code, string raw, int at)
    {
        string value;
        try { value = Uri.UnescapeDataString(raw); }
        catch (UriFormatException) { return new Gs1Error(at, $"AI {code}: bad percent-encoding"); }
        return fields.Set(ApplicationIdentifiers.Find(code)!, value, at);
    }
}
