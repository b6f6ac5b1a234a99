if (args.FirstOrDefault() == "audit") return await AuditScenario.RunAsync(args[1..]);
if (args.FirstOrDefault() == "setup") return await SetupScenario.RunAsync(args[1..]);

Console.WriteLine("Hello, World!");
return 0;
