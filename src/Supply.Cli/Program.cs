// The `supply` command line. Everything lives in CliApp so tests can run commands in-process.
return await Supply.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);
