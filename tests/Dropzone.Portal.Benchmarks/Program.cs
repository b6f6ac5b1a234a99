if (args.FirstOrDefault() == "audit") return await AuditScenario.RunAsync(args[1..]);

Console.WriteLine("Hello, World!");
return 0;
