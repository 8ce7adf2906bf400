namespace Supply.Dashboard.Components.Map;

/// <summary>Where each region's tile sits on the tile map: column and row, north (row 0) to south, roughly west to east.</summary>
public static class RegionTiles
{
    public static readonly IReadOnlyDictionary<string, (int Column, int Row)> Positions = new Dictionary<string, (int, int)>
    {
        ["25"] = (3, 0), // Norrbotten
        ["24"] = (2, 1), // Västerbotten
        ["23"] = (1, 2), // Jämtland Härjedalen
        ["22"] = (2, 2), // Västernorrland
        ["20"] = (1, 3), // Dalarna
        ["21"] = (2, 3), // Gävleborg
        ["17"] = (0, 4), // Värmland
        ["19"] = (1, 4), // Västmanland
        ["03"] = (2, 4), // Uppsala
        ["14"] = (0, 5), // Västra Götaland
        ["18"] = (1, 5), // Örebro
        ["04"] = (2, 5), // Sörmland
        ["01"] = (3, 5), // Stockholm
        ["13"] = (0, 6), // Halland
        ["06"] = (1, 6), // Jönköping
        ["05"] = (2, 6), // Östergötland
        ["09"] = (3, 6), // Gotland
        ["07"] = (1, 7), // Kronoberg
        ["08"] = (2, 7), // Kalmar
        ["12"] = (0, 8), // Skåne
        ["10"] = (1, 8), // Blekinge
    };

    public const int Columns = 4;
    public const int Rows = 9;
}
