namespace Supply.Dashboard.Resources;

/// <summary>Marker for the texts of the drill-down, shortfall, reporting and scenario pages and their exports: PageStrings.resx (Swedish) and PageStrings.en.resx.</summary>
public sealed class PageStrings;
