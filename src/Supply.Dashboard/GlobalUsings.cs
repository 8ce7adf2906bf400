// TableData, TableColumn, CellKind, TableText and TableExport moved to src/Supply.Exports (shared with the CLI and /v1/exports);
// their names are unchanged, so pages and tables use them as before.
global using Supply.Exports;
