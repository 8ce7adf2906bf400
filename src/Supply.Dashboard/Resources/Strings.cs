namespace Supply.Dashboard.Resources;

/// <summary>Marker for the dashboard's texts: Strings.resx (Swedish, the default) and Strings.en.resx (English).</summary>
public sealed class Strings;
