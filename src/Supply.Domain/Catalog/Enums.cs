namespace Supply.Domain.Catalog;

// Numeric values match the public contract (supply.v1) so translation is a cast.

public enum ItemCategory { Unspecified = 0, Medicine = 1, Equipment = 2, Ppe = 3 }

public enum Criticality { Unspecified = 0, LifeSaving = 1, Essential = 2, Important = 3, Standard = 4 }

public enum LocationKind
{
    Unspecified = 0,
    Hospital = 1,
    RegionalWarehouse = 2,
    MunicipalCare = 3,
    NationalStockpile = 4,
    Pharmacy = 5,
    Supplier = 6,
}
