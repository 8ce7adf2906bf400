namespace Supply.Dashboard.Components.Map;

/// <summary>Where each region's tile sits on the tile map: column and row, north (row 0) to south, roughly west to east.</summary>
public static class RegionTiles
{
    public static readonly IReadOnlyDictionary<string, (int Column, int Row)> Positions = new Dictionary<string, (int, int)>
    {
        ["25"] = (3, 0), // Norrbotten
        ["24"] = (2, 1), // Västerbotten
        ["23"] = (1, 2), ["22"] = (2, 2), // Jämtland Härjedalen, Västernorrland
        ["20"] = (1, 3), ["21"] = (2, 3), // Dalarna, Gävleborg
        ["17"] = (0, 4), ["19"] = (1, 4), ["03"] = (2, 4), // Värmland, Västmanland, Uppsala
        ["14"] = (0, 5), ["18"] = (1, 5), ["04"] = (2, 5), ["01"] = (3, 5), // Västra Götaland, Örebro, Sörmland, Stockholm
        ["13"] = (0, 6), ["06"] = (1, 6), ["05"] = (2, 6), ["09"] = (3, 6), // Halland, Jönköping, Östergötland, Gotland
        ["07"] = (1, 7), ["08"] = (2, 7), // Kronoberg, Kalmar
        ["12"] = (0, 8), ["10"] = (1, 8), // Skåne, Blekinge
    };

    public const int Columns = 4;
    public const int Rows = 9;
}
