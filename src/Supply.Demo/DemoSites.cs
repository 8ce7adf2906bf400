using Supply.Domain.Catalog;

namespace Supply.Demo;

/// <summary>A demo location before it gets its id: kind, short id part, Swedish name, municipality code.</summary>
internal sealed record DemoSite(LocationKind Kind, string Slug, string Name, string Municipality);

/// <summary>
/// Places in all 21 regions. Hospitals, municipalities and their codes are real; Gotland and
/// Jämtland Härjedalen have one acute hospital each, so their second "hospital" is the intensive
/// care and surgery stock of the same hospital, kept as a location of its own. Warehouses,
/// stockpiles and suppliers are illustrative; the supplier companies are fictitious.
/// </summary>
internal static class DemoSites
{
    private const LocationKind H = LocationKind.Hospital;
    private const LocationKind W = LocationKind.RegionalWarehouse;
    private const LocationKind C = LocationKind.MunicipalCare;
    private const LocationKind P = LocationKind.Pharmacy;

    /// <summary>Region code → its sites, in region code order.</summary>
    public static IReadOnlyList<(string Region, DemoSite[] Sites)> ByRegion { get; } =
    [
        ("01", [
            new(H, "karolinska", "Karolinska Universitetssjukhuset Solna", "0184"),
            new(H, "sodersjukhuset", "Södersjukhuset", "0180"),
            new(H, "danderyd", "Danderyds sjukhus", "0162"),
            new(W, "regionlager", "Region Stockholm, regionlager", "0180"),
            new(C, "huddinge-hemsjukvard", "Huddinge kommun, hemsjukvård", "0126"),
            new(C, "norrtalje-sabo", "Norrtälje kommun, vård- och omsorgsboende", "0188"),
            new(P, "cw-scheele", "Apoteket C.W. Scheele, Stockholm", "0180"),
            new(P, "sodertalje", "Apoteket Södertälje centrum", "0181")]),
        ("03", [
            new(H, "akademiska", "Akademiska sjukhuset", "0380"),
            new(H, "enkoping", "Lasarettet i Enköping", "0381"),
            new(W, "regionlager", "Region Uppsala, regionlager", "0380"),
            new(C, "uppsala-hemsjukvard", "Uppsala kommun, hemsjukvård", "0380"),
            new(C, "osthammar-sabo", "Östhammars kommun, särskilt boende", "0382"),
            new(P, "uppsala", "Apoteket Uppsala centrum", "0380"),
            new(P, "tierp", "Apoteket Tierp", "0360")]),
        ("04", [
            new(H, "malarsjukhuset", "Mälarsjukhuset, Eskilstuna", "0484"),
            new(H, "nykoping", "Nyköpings lasarett", "0480"),
            new(W, "regionlager", "Region Sörmland, regionlager", "0484"),
            new(C, "eskilstuna-hemsjukvard", "Eskilstuna kommun, hemsjukvård", "0484"),
            new(C, "katrineholm-sabo", "Katrineholms kommun, särskilt boende", "0483"),
            new(P, "nykoping", "Apoteket Nyköping", "0480"),
            new(P, "strangnas", "Apoteket Strängnäs", "0486")]),
        ("05", [
            new(H, "linkoping", "Universitetssjukhuset i Linköping", "0580"),
            new(H, "vrinnevi", "Vrinnevisjukhuset, Norrköping", "0581"),
            new(W, "regionlager", "Region Östergötland, regionlager", "0580"),
            new(C, "norrkoping-hemsjukvard", "Norrköpings kommun, hemsjukvård", "0581"),
            new(C, "motala-sabo", "Motala kommun, särskilt boende", "0583"),
            new(P, "linkoping", "Apoteket Linköping centrum", "0580"),
            new(P, "finspang", "Apoteket Finspång", "0562")]),
        ("06", [
            new(H, "ryhov", "Länssjukhuset Ryhov, Jönköping", "0680"),
            new(H, "varnamo", "Värnamo sjukhus", "0683"),
            new(W, "regionlager", "Region Jönköpings län, regionlager", "0680"),
            new(C, "jonkoping-hemsjukvard", "Jönköpings kommun, hemsjukvård", "0680"),
            new(C, "nassjo-sabo", "Nässjö kommun, särskilt boende", "0682"),
            new(P, "jonkoping", "Apoteket Jönköping centrum", "0680"),
            new(P, "eksjo", "Apoteket Eksjö", "0686")]),
        ("07", [
            new(H, "vaxjo", "Centrallasarettet Växjö", "0780"),
            new(H, "ljungby", "Ljungby lasarett", "0781"),
            new(W, "regionlager", "Region Kronoberg, regionlager", "0780"),
            new(C, "vaxjo-hemsjukvard", "Växjö kommun, hemsjukvård", "0780"),
            new(C, "almhult-sabo", "Älmhults kommun, särskilt boende", "0765"),
            new(P, "vaxjo", "Apoteket Växjö centrum", "0780"),
            new(P, "ljungby", "Apoteket Ljungby", "0781")]),
        ("08", [
            new(H, "kalmar", "Länssjukhuset i Kalmar", "0880"),
            new(H, "vastervik", "Västerviks sjukhus", "0883"),
            new(W, "regionlager", "Region Kalmar län, regionlager", "0880"),
            new(C, "oskarshamn-hemsjukvard", "Oskarshamns kommun, hemsjukvård", "0882"),
            new(C, "nybro-sabo", "Nybro kommun, särskilt boende", "0881"),
            new(P, "kalmar", "Apoteket Kalmar centrum", "0880"),
            new(P, "vastervik", "Apoteket Västervik", "0883")]),
        ("09", [
            new(H, "visby", "Visby lasarett", "0980"),
            new(H, "visby-iva-op", "Visby lasarett, intensivvård och operation", "0980"),
            new(W, "regionlager", "Region Gotland, regionlager", "0980"),
            new(C, "gotland-hemsjukvard", "Region Gotland, kommunal hemsjukvård", "0980"),
            new(C, "hemse-sabo", "Särskilt boende Hemse, Region Gotland", "0980"),
            new(P, "visby", "Apoteket Visby", "0980"),
            new(P, "hemse", "Apoteket Hemse", "0980")]),
        ("10", [
            new(H, "karlskrona", "Blekingesjukhuset Karlskrona", "1080"),
            new(H, "karlshamn", "Blekingesjukhuset Karlshamn", "1082"),
            new(W, "regionlager", "Region Blekinge, regionlager", "1080"),
            new(C, "ronneby-hemsjukvard", "Ronneby kommun, hemsjukvård", "1081"),
            new(C, "solvesborg-sabo", "Sölvesborgs kommun, särskilt boende", "1083"),
            new(P, "karlskrona", "Apoteket Karlskrona", "1080"),
            new(P, "karlshamn", "Apoteket Karlshamn", "1082")]),
        ("12", [
            new(H, "sus-lund", "Skånes universitetssjukhus, Lund", "1281"),
            new(H, "sus-malmo", "Skånes universitetssjukhus, Malmö", "1280"),
            new(H, "helsingborg", "Helsingborgs lasarett", "1283"),
            new(W, "regionlager", "Region Skåne, regionlager", "1280"),
            new(C, "malmo-hemsjukvard", "Malmö stad, hemsjukvård", "1280"),
            new(C, "kristianstad-sabo", "Kristianstads kommun, särskilt boende", "1290"),
            new(P, "malmo", "Apoteket Malmö centrum", "1280"),
            new(P, "ystad", "Apoteket Ystad", "1286")]),
        ("13", [
            new(H, "halmstad", "Hallands sjukhus Halmstad", "1380"),
            new(H, "varberg", "Hallands sjukhus Varberg", "1383"),
            new(W, "regionlager", "Region Halland, regionlager", "1380"),
            new(C, "kungsbacka-hemsjukvard", "Kungsbacka kommun, hemsjukvård", "1384"),
            new(C, "falkenberg-sabo", "Falkenbergs kommun, särskilt boende", "1382"),
            new(P, "halmstad", "Apoteket Halmstad centrum", "1380"),
            new(P, "kungsbacka", "Apoteket Kungsbacka", "1384")]),
        ("14", [
            new(H, "sahlgrenska", "Sahlgrenska Universitetssjukhuset, Göteborg", "1480"),
            new(H, "sas-boras", "Södra Älvsborgs sjukhus, Borås", "1490"),
            new(H, "nal", "NÄL, Norra Älvsborgs länssjukhus, Trollhättan", "1488"),
            new(W, "regionlager", "Västra Götalandsregionen, regionlager", "1480"),
            new(C, "goteborg-hemsjukvard", "Göteborgs stad, hemsjukvård", "1480"),
            new(C, "uddevalla-sabo", "Uddevalla kommun, särskilt boende", "1485"),
            new(P, "goteborg", "Apoteket Göteborg centrum", "1480"),
            new(P, "skovde", "Apoteket Skövde", "1496")]),
        ("17", [
            new(H, "karlstad", "Centralsjukhuset Karlstad", "1780"),
            new(H, "arvika", "Arvika sjukhus", "1784"),
            new(W, "regionlager", "Region Värmland, regionlager", "1780"),
            new(C, "kristinehamn-hemsjukvard", "Kristinehamns kommun, hemsjukvård", "1781"),
            new(C, "torsby-sabo", "Torsby kommun, särskilt boende", "1737"),
            new(P, "karlstad", "Apoteket Karlstad centrum", "1780"),
            new(P, "arvika", "Apoteket Arvika", "1784")]),
        ("18", [
            new(H, "orebro", "Universitetssjukhuset Örebro", "1880"),
            new(H, "karlskoga", "Karlskoga lasarett", "1883"),
            new(W, "regionlager", "Region Örebro län, regionlager", "1880"),
            new(C, "orebro-hemsjukvard", "Örebro kommun, hemsjukvård", "1880"),
            new(C, "lindesberg-sabo", "Lindesbergs kommun, särskilt boende", "1885"),
            new(P, "orebro", "Apoteket Örebro centrum", "1880"),
            new(P, "kumla", "Apoteket Kumla", "1881")]),
        ("19", [
            new(H, "vasteras", "Västmanlands sjukhus Västerås", "1980"),
            new(H, "koping", "Västmanlands sjukhus Köping", "1983"),
            new(W, "regionlager", "Region Västmanland, regionlager", "1980"),
            new(C, "vasteras-hemsjukvard", "Västerås stad, hemsjukvård", "1980"),
            new(C, "sala-sabo", "Sala kommun, särskilt boende", "1981"),
            new(P, "vasteras", "Apoteket Västerås centrum", "1980"),
            new(P, "koping", "Apoteket Köping", "1983")]),
        ("20", [
            new(H, "falun", "Falu lasarett", "2080"),
            new(H, "mora", "Mora lasarett", "2062"),
            new(W, "regionlager", "Region Dalarna, regionlager", "2080"),
            new(C, "borlange-hemsjukvard", "Borlänge kommun, hemsjukvård", "2081"),
            new(C, "ludvika-sabo", "Ludvika kommun, särskilt boende", "2085"),
            new(P, "falun", "Apoteket Falun", "2080"),
            new(P, "avesta", "Apoteket Avesta", "2084")]),
        ("21", [
            new(H, "gavle", "Gävle sjukhus", "2180"),
            new(H, "hudiksvall", "Hudiksvalls sjukhus", "2184"),
            new(W, "regionlager", "Region Gävleborg, regionlager", "2180"),
            new(C, "sandviken-hemsjukvard", "Sandvikens kommun, hemsjukvård", "2181"),
            new(C, "bollnas-sabo", "Bollnäs kommun, särskilt boende", "2183"),
            new(P, "gavle", "Apoteket Gävle centrum", "2180"),
            new(P, "hudiksvall", "Apoteket Hudiksvall", "2184")]),
        ("22", [
            new(H, "sundsvall", "Sundsvalls sjukhus", "2281"),
            new(H, "ornskoldsvik", "Örnsköldsviks sjukhus", "2284"),
            new(W, "regionlager", "Region Västernorrland, regionlager", "2281"),
            new(C, "harnosand-hemsjukvard", "Härnösands kommun, hemsjukvård", "2280"),
            new(C, "solleftea-sabo", "Sollefteå kommun, särskilt boende", "2283"),
            new(P, "sundsvall", "Apoteket Sundsvall", "2281"),
            new(P, "ornskoldsvik", "Apoteket Örnsköldsvik", "2284")]),
        ("23", [
            new(H, "ostersund", "Östersunds sjukhus", "2380"),
            new(H, "ostersund-iva-op", "Östersunds sjukhus, intensivvård och operation", "2380"),
            new(W, "regionlager", "Region Jämtland Härjedalen, regionlager", "2380"),
            new(C, "are-hemsjukvard", "Åre kommun, hemsjukvård", "2321"),
            new(C, "krokom-sabo", "Krokoms kommun, särskilt boende", "2309"),
            new(P, "ostersund", "Apoteket Östersund", "2380"),
            new(P, "sveg", "Apoteket Sveg", "2361")]),
        ("24", [
            new(H, "nus", "Norrlands universitetssjukhus, Umeå", "2480"),
            new(H, "skelleftea", "Skellefteå lasarett", "2482"),
            new(W, "regionlager", "Region Västerbotten, regionlager", "2480"),
            new(C, "umea-hemsjukvard", "Umeå kommun, hemsjukvård", "2480"),
            new(C, "lycksele-sabo", "Lycksele kommun, särskilt boende", "2481"),
            new(P, "umea", "Apoteket Umeå", "2480"),
            new(P, "skelleftea", "Apoteket Skellefteå", "2482")]),
        ("25", [
            new(H, "sunderby", "Sunderby sjukhus, Luleå", "2580"),
            new(H, "gallivare", "Gällivare sjukhus", "2523"),
            new(W, "regionlager", "Region Norrbotten, regionlager", "2580"),
            new(C, "pitea-hemsjukvard", "Piteå kommun, hemsjukvård", "2581"),
            new(C, "kiruna-sabo", "Kiruna kommun, särskilt boende", "2584"),
            new(P, "lulea", "Apoteket Luleå", "2580"),
            new(P, "boden", "Apoteket Boden", "2582")]),
    ];

    /// <summary>National stockpiles and suppliers, with their region.</summary>
    public static IReadOnlyList<(string Region, DemoSite Site, SupplierRange Range)> National { get; } =
    [
        ("03", new(LocationKind.NationalStockpile, "beredskapslager-mitt", "Nationellt beredskapslager Mitt, Uppsala", "0380"), SupplierRange.None),
        ("06", new(LocationKind.NationalStockpile, "beredskapslager-syd", "Nationellt beredskapslager Syd, Jönköping", "0680"), SupplierRange.None),
        ("25", new(LocationKind.NationalStockpile, "beredskapslager-nord", "Nationellt beredskapslager Nord, Boden", "2582"), SupplierRange.None),
        ("14", new(LocationKind.Supplier, "lakemedelsgrossist-vast", "Läkemedelsgrossist Väst AB, Göteborg", "1480"), SupplierRange.Medicines),
        ("03", new(LocationKind.Supplier, "lakemedelsgrossist-mitt", "Läkemedelsgrossist Mitt AB, Enköping", "0381"), SupplierRange.Medicines),
        ("06", new(LocationKind.Supplier, "medteknik", "Medteknikdistribution Sverige AB, Jönköping", "0680"), SupplierRange.Equipment),
        ("12", new(LocationKind.Supplier, "skyddsutrustning", "Skyddsutrustning Norden AB, Helsingborg", "1283"), SupplierRange.Ppe),
    ];

    public static string IdOf(string region, DemoSite site) => $"se-{region}-{KindTag(site.Kind)}-{site.Slug}";

    private static string KindTag(LocationKind kind) => kind switch
    {
        LocationKind.Hospital => "hosp",
        LocationKind.RegionalWarehouse => "wh",
        LocationKind.MunicipalCare => "care",
        LocationKind.Pharmacy => "pharm",
        LocationKind.NationalStockpile => "stockpile",
        LocationKind.Supplier => "supplier",
        _ => "loc",
    };
}

/// <summary>What a supplier carries.</summary>
internal enum SupplierRange { None, Medicines, Equipment, Ppe }
