using Supply.Server;

await SupplyApp.Create(args).RunAsync();
