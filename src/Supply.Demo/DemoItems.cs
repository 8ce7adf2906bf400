using Supply.Domain.Catalog;

namespace Supply.Demo;

/// <summary>
/// One demo item and how much of it is used per day per million inhabitants: in hospitals, in
/// municipal care, and sold or dispensed by pharmacies (0 = that kind of place does not stock it).
/// </summary>
internal sealed record DemoItem(Item Item, double Hospital, double Care, double Retail)
{
    public bool IsCritical => Item.Criticality is Criticality.LifeSaving or Criticality.Essential;
}

/// <summary>
/// The demo catalog: medicines, medical equipment and PPE as found on the Swedish market. Names
/// are realistic; every id is made up (NPL ids, GTINs with valid check digits, varunummer outside
/// the ranges reserved for medicines) and the usage rates are rough illustrations, not statistics.
/// </summary>
internal static class DemoItems
{
    public static IReadOnlyList<DemoItem> All { get; } = Build();

    private static IReadOnlyList<DemoItem> Build()
    {
        var npl = 0;
        // Made-up 14-digit NPL pack ids in a block no real product uses.
        DemoItem Med(string name, string unit, int pack, string group, Criticality criticality,
            double hospital, double care, double retail) =>
            new(new Item($"npl:2001010{++npl:D7}", name, ItemCategory.Medicine, unit, pack, group, criticality), hospital, care, retail);

        return
        [
            // ---- medicines: npl ids; groups are ATC code + strength + form ----
            Med("Alvedon 500 mg tablett", "tablet", 100, "N02BE01-500mg-tablet", Criticality.Important, 1500, 800, 8000),
            Med("Panodil 500 mg tablett", "tablet", 100, "N02BE01-500mg-tablet", Criticality.Important, 0, 0, 6000),
            Med("Paracetamol Orifarm 500 mg tablett", "tablet", 100, "N02BE01-500mg-tablet", Criticality.Important, 1500, 700, 4000),
            Med("Paracetamol B. Braun 10 mg/ml infusionsvätska 100 ml", "vial", 10, "N02BE01-10mgml-infusion", Criticality.Important, 150, 0, 0),
            Med("Morfin Meda 10 mg/ml injektionsvätska", "ampoule", 10, "N02AA01-10mgml-injection", Criticality.LifeSaving, 250, 40, 0),
            Med("Morfin Abcur 10 mg/ml injektionsvätska", "ampoule", 10, "N02AA01-10mgml-injection", Criticality.LifeSaving, 150, 30, 0),
            Med("OxyNorm 5 mg kapsel", "capsule", 100, "N02AA05-5mg-capsule", Criticality.Important, 600, 400, 1500),
            Med("Oxikodon Actavis 5 mg kapsel", "capsule", 100, "N02AA05-5mg-capsule", Criticality.Important, 300, 200, 1000),
            Med("Adrenalin Mylan 1 mg/ml injektionsvätska", "ampoule", 10, "C01CA24-1mgml-injection", Criticality.LifeSaving, 60, 2, 0),
            Med("Adrenalin Abcur 1 mg/ml injektionsvätska", "ampoule", 10, "C01CA24-1mgml-injection", Criticality.LifeSaving, 40, 0, 0),
            Med("EpiPen 300 mikrogram autoinjektor", "dose", 1, "C01CA24-300mcg-autoinjector", Criticality.LifeSaving, 2, 0, 25),
            Med("Jext 300 mikrogram autoinjektor", "dose", 1, "C01CA24-300mcg-autoinjector", Criticality.LifeSaving, 0, 0, 15),
            Med("Amoxicillin Sandoz 750 mg tablett", "tablet", 20, "J01CA04-750mg-tablet", Criticality.Important, 300, 0, 2500),
            Med("Amimox 750 mg tablett", "tablet", 20, "J01CA04-750mg-tablet", Criticality.Important, 0, 0, 1500),
            Med("Kåvepenin 1 g tablett", "tablet", 30, "J01CE02-1g-tablet", Criticality.Important, 400, 100, 6000),
            Med("NovoRapid FlexPen 100 E/ml injektionsvätska", "ml", 15, "A10AB05-100Uml-pen", Criticality.LifeSaving, 60, 30, 400),
            Med("Insulin aspart Sanofi SoloStar 100 E/ml injektionsvätska", "ml", 15, "A10AB05-100Uml-pen", Criticality.LifeSaving, 0, 0, 150),
            Med("Lantus SoloStar 100 E/ml injektionsvätska", "ml", 15, "A10AE04-100Uml-pen", Criticality.LifeSaving, 40, 40, 350),
            Med("Abasaglar KwikPen 100 E/ml injektionsvätska", "ml", 15, "A10AE04-100Uml-pen", Criticality.LifeSaving, 20, 0, 150),
            Med("Cyklokapron 100 mg/ml injektionsvätska", "ampoule", 10, "B02AA02-100mgml-injection", Criticality.LifeSaving, 80, 0, 0),
            Med("Tranexamsyra Stragen 100 mg/ml injektionsvätska", "ampoule", 10, "B02AA02-100mgml-injection", Criticality.LifeSaving, 40, 0, 0),
            Med("Ringer-Acetat Baxter Viaflo infusionsvätska 1000 ml", "bag", 10, "B05BB01-ringeracetat-1000ml", Criticality.Essential, 900, 10, 0),
            Med("Ringer-Acetat Fresenius Kabi infusionsvätska 1000 ml", "bag", 10, "B05BB01-ringeracetat-1000ml", Criticality.Essential, 500, 0, 0),
            Med("Natriumklorid Fresenius Kabi 9 mg/ml infusionsvätska 1000 ml", "bag", 10, "B05BB01-nacl9mgml-1000ml", Criticality.Essential, 700, 30, 0),
            Med("Propofol-Lipuro 10 mg/ml injektions-/infusionsvätska 20 ml", "ampoule", 5, "N01AX10-10mgml-injection", Criticality.LifeSaving, 300, 0, 0),
            Med("Propofol Fresenius Kabi 10 mg/ml injektions-/infusionsvätska 20 ml", "ampoule", 5, "N01AX10-10mgml-injection", Criticality.LifeSaving, 200, 0, 0),
            Med("Ketalar 10 mg/ml injektionsvätska 20 ml", "vial", 5, "N01AX03-10mgml-injection", Criticality.Essential, 40, 0, 0),
            Med("Ketamin Abcur 10 mg/ml injektionsvätska 20 ml", "vial", 5, "N01AX03-10mgml-injection", Criticality.Essential, 20, 0, 0),
            Med("Cefotaxim Fresenius Kabi 1 g pulver till injektionsvätska", "vial", 10, "J01DD01-1g-injection", Criticality.Essential, 350, 0, 0),
            Med("Cefotaxim Sandoz 1 g pulver till injektionsvätska", "vial", 10, "J01DD01-1g-injection", Criticality.Essential, 150, 0, 0),
            Med("Ventoline Evohaler 0,1 mg/dos inhalationsspray", "dose", 200, "R03AC02-100mcg-inhaler", Criticality.Essential, 800, 200, 8000),
            Med("Airomir 0,1 mg/dos inhalationsspray", "dose", 200, "R03AC02-100mcg-inhaler", Criticality.Essential, 0, 0, 3000),
            Med("Heparin LEO 5000 IE/ml injektionsvätska", "vial", 10, "B01AB01-5000IUml-injection", Criticality.Essential, 60, 0, 0),
            Med("Fragmin 5000 IE injektionsvätska, förfylld spruta", "dose", 10, "B01AB04-5000IU-syringe", Criticality.Important, 400, 100, 600),
            Med("Naloxon B. Braun 0,4 mg/ml injektionsvätska", "ampoule", 10, "V03AB15-0.4mgml-injection", Criticality.LifeSaving, 15, 2, 0),
            Med("Nyxoid 1,8 mg nässpray", "dose", 2, "V03AB15-1.8mg-nasalspray", Criticality.LifeSaving, 0, 3, 10),
            Med("Atropin Mylan 0,5 mg/ml injektionsvätska", "ampoule", 10, "A03BA01-0.5mgml-injection", Criticality.LifeSaving, 20, 0, 0),
            Med("Rocuronium Fresenius Kabi 10 mg/ml injektionsvätska 5 ml", "vial", 10, "M03AC09-10mgml-injection", Criticality.LifeSaving, 120, 0, 0),
            Med("Esmeron 10 mg/ml injektionsvätska 5 ml", "vial", 10, "M03AC09-10mgml-injection", Criticality.LifeSaving, 60, 0, 0),
            Med("Celocurin 50 mg/ml injektionsvätska", "ampoule", 10, "M03AB01-50mgml-injection", Criticality.LifeSaving, 20, 0, 0),
            Med("Midazolam Hameln 5 mg/ml injektionsvätska", "ampoule", 10, "N05CD08-5mgml-injection", Criticality.Essential, 100, 15, 0),
            Med("Furix 10 mg/ml injektionsvätska", "ampoule", 10, "C03CA01-10mgml-injection", Criticality.Essential, 200, 30, 0),
            Med("Ondansetron Fresenius Kabi 2 mg/ml injektionsvätska", "ampoule", 5, "A04AA01-2mgml-injection", Criticality.Important, 150, 0, 0),
            Med("Ipren 400 mg tablett", "tablet", 30, "M01AE01-400mg-tablet", Criticality.Standard, 800, 0, 12000),
            Med("Ibuprofen Orifarm 400 mg tablett", "tablet", 30, "M01AE01-400mg-tablet", Criticality.Standard, 0, 200, 6000),
            Med("Metformin Teva 500 mg tablett", "tablet", 100, "A10BA02-500mg-tablet", Criticality.Important, 700, 900, 18000),
            Med("Levaxin 100 mikrogram tablett", "tablet", 100, "H03AA01-100mcg-tablet", Criticality.Important, 150, 300, 9000),
            Med("Actilyse 50 mg pulver till injektions-/infusionsvätska", "vial", 1, "B01AD02-50mg-injection", Criticality.LifeSaving, 3, 0, 0),

            // ---- medical equipment: GTINs (valid check digits) and varunummer ----
            Eq(Gtin("735000100011"), "Infusionsaggregat, gravitation, 15 µm filter", 50, "infusion-set-gravity", Criticality.Essential, 1500, 20),
            Eq("vnr:731204", "Infusionsaggregat med droppkammare och rullklämma", 50, "infusion-set-gravity", Criticality.Essential, 600, 0),
            Eq(Gtin("735000100028"), "Spruta 10 ml Luer-lock, BD Plastipak", 100, "syringe-10ml-luerlock", Criticality.Important, 6000, 300),
            Eq("vnr:731552", "Spruta 10 ml Luer-lock, Omnifix", 100, "syringe-10ml-luerlock", Criticality.Important, 3000, 200),
            Eq(Gtin("735000100035"), "Perifer venkateter 18G, BD Venflon Pro Safety", 50, "iv-cannula-18g", Criticality.Essential, 500, 0),
            Eq(Gtin("735000100042"), "Perifer venkateter 18G, Vasofix Safety", 50, "iv-cannula-18g", Criticality.Essential, 300, 0),
            Eq(Gtin("735000100059"), "Perifer venkateter 20G, BD Venflon Pro Safety", 50, "iv-cannula-20g", Criticality.Essential, 900, 10),
            Eq(Gtin("735000100066"), "Tourniquet CAT Gen 7", 1, "tourniquet-windlass", Criticality.Essential, 5, 0),
            Eq("vnr:742118", "Tourniquet SOF-T Wide", 1, "tourniquet-windlass", Criticality.Essential, 2, 0),
            Eq(Gtin("735000100073"), "Thoraxdrän 28 Fr med trokar", 10, "chest-drain-28fr", Criticality.LifeSaving, 8, 0),
            Eq(Gtin("735000100080"), "Andningskrets vuxen för ventilator, engångs", 20, "ventilator-circuit-adult", Criticality.LifeSaving, 30, 0),
            Eq(Gtin("735000100097"), "Syrgasmask med reservoarpåse, vuxen", 50, "oxygen-mask-reservoir-adult", Criticality.Essential, 200, 5),
            Eq("vnr:753307", "Näsgrimma för syrgas, vuxen", 50, "nasal-cannula-adult", Criticality.Important, 300, 40),
            Eq(Gtin("735000100103"), "Blodpåsesystem 450 ml CPD/SAGM", 20, "blood-bag-450ml", Criticality.Essential, 120, 0),
            Eq("vnr:764521", "Skumförband med silikonhäfta 10x10 cm, Mepilex Border", 10, "wound-dressing-foam-10x10", Criticality.Standard, 600, 800),
            Eq(Gtin("735000100110"), "Tryckförband (nödförband) 15 cm", 1, "pressure-bandage-15cm", Criticality.Essential, 10, 0),
            Eq(Gtin("735000100127"), "Hemostatisk kompress, QuikClot Combat Gauze", 1, "hemostatic-gauze", Criticality.Essential, 4, 0),
            Eq(Gtin("735000100134"), "Endotrakealtub med kuff 7,5 mm", 10, "endotracheal-tube-7.5mm", Criticality.LifeSaving, 40, 0),
            Eq("vnr:775940", "Kanyl 0,8 x 40 mm (21G)", 100, "needle-21g-40mm", Criticality.Standard, 4000, 500),

            // ---- personal protective equipment ----
            Ppe("ppe:ffp2", "Andningsskydd FFP2", "piece", 20, Criticality.Essential, 3000, 1500, 200),
            Ppe("ppe:ffp3", "Andningsskydd FFP3", "piece", 20, Criticality.Essential, 1500, 300, 0),
            Ppe("ppe:surgical-mask-iir", "Munskydd typ IIR", "piece", 50, Criticality.Important, 15000, 6000, 300),
            Ppe("ppe:nitrile-gloves", "Undersökningshandske nitril, ej steril", "piece", 200, Criticality.Essential, 80000, 60000, 2000),
            Ppe("ppe:sterile-surgical-gloves", "Operationshandske steril", "pair", 50, Criticality.Essential, 3000, 0, 0),
            Ppe("ppe:isolation-gown", "Skyddsrock vätskeavvisande, långärmad", "piece", 50, Criticality.Essential, 4000, 2000, 0),
            Ppe("ppe:face-shield", "Visir", "piece", 25, Criticality.Important, 1500, 800, 0),
            Ppe("ppe:safety-goggles", "Skyddsglasögon", "piece", 10, Criticality.Standard, 300, 100, 0),
            Ppe("ppe:plastic-apron", "Plastförkläde, engångs", "piece", 100, Criticality.Standard, 10000, 15000, 0),
        ];
    }

    private static DemoItem Eq(string id, string name, int pack, string group, Criticality criticality, double hospital, double care) =>
        new(new Item(id, name, ItemCategory.Equipment, "piece", pack, group, criticality), hospital, care, 0);

    private static DemoItem Ppe(string id, string name, string unit, int pack, Criticality criticality,
        double hospital, double care, double retail) =>
        new(new Item(id, name, ItemCategory.Ppe, unit, pack, "", criticality), hospital, care, retail);

    private static string Gtin(string body) => "gtin:" + ItemId.WithCheckDigit(body);
}
