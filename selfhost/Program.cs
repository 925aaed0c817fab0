using System.CommandLine;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;

// pulang [serve] | demo | token | users | manifest-sample | audit-verify | purge --dry-run — see docs/configuration.md. The developer
// tools (accuracy, synth-passports, synth-papers) are tools/Pulang.DevTools.
var root = new RootCommand("Pulang self-host: the case workflow service on Durable Task + Azure Storage (Azurite by default).");

var serve = new Command("serve", "Run the service (default). Listens on " + PulangHost.DefaultUrl + " unless --urls is given.");
serve.TreatUnmatchedTokensAsErrors = false;
serve.SetAction(async (parse, ct) =>
{
    var app = await PulangHost.BuildAsync([.. parse.UnmatchedTokens]);
    await app.RunAsync(ct);
    return 0;
});

var samples = new Option<DirectoryInfo?>("--samples") { Description = "Folder with the sample scans (default: ../shared/samples/scans next to the repository)." };
var exitAfterDemo = new Option<bool>("--exit") { Description = "Stop after the demo instead of keeping the service up for the browser." };
var demo = new Command("demo", "Start the service, carry the fictional sample person from intake to release over the HTTP API (printing each stage), leave a second "
    + "generated fictional case waiting for both ministries' sign-offs, print the web app's address and the demo users, and keep serving until Ctrl-C (--exit: stop).")
{
    samples, exitAfterDemo,
};
demo.TreatUnmatchedTokensAsErrors = false;
demo.SetAction(async (parse, ct) =>
{
    await using var app = await PulangHost.BuildAsync([.. parse.UnmatchedTokens], b => b.Logging.SetMinimumLevel(LogLevel.Warning));
    await app.StartAsync(ct);
    try
    {
        var url = new Uri(app.Urls.First());
        var run = new Demo(url, app.Services.GetRequiredService<LocalTokens>(), Demo.FindSamples(parse.GetValue(samples)), Console.Out);
        var exit = await run.RunAsync(ct);
        if (exit != 0)
        {
            return exit;
        }

        var waiting = await run.LeaveCaseForSignOffAsync(person: 1, ct);
        Console.WriteLine();
        Console.WriteLine($"Web app / aplikasi web: {url}  (sign in by picking a demo user / masuk dengan memilih pengguna demo)");
        Console.WriteLine($"Case {waiting} waits for both ministries: sign in as p2mi-official, approve on its sign-off page; then as kemensos-official.");
        Console.WriteLine("Demo users and their roles:");
        foreach (var (id, r) in LocalTokens.DemoUsers)
        {
            Console.WriteLine($"  {id,-24} {string.Join(", ", r)}");
        }

        if (parse.GetValue(exitAfterDemo))
        {
            return 0;
        }

        Console.WriteLine($"Serving on {url} until Ctrl-C.");
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        return 130; // Ctrl-C during the demo
    }
    finally
    {
        await app.StopAsync(CancellationToken.None);
    }
});

var user = new Option<string>("--user") { Description = "Demo user (see `pulang users`) or any user ID with --role.", Required = true };
var role = new Option<string[]>("--role") { Description = "Roles for a user that is not a demo user.", AllowMultipleArgumentsPerToken = true };
var hours = new Option<double>("--hours") { Description = "Lifetime in hours.", DefaultValueFactory = _ => 8 };
var token = new Command("token", "Print a bearer token from the local issuer.") { user, role, hours };
token.TreatUnmatchedTokensAsErrors = false;
token.SetAction(parse =>
{
    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. parse.UnmatchedTokens]).Build();
    var tokens = LocalTokens.Load(config.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new(), PulangHost.DataDirectory(config));
    var id = parse.GetValue(user)!;
    var roles = parse.GetValue(role) is { Length: > 0 } r ? r : LocalTokens.DemoUsers.GetValueOrDefault(id);
    if (roles is null)
    {
        Console.Error.WriteLine($"'{id}' is not a demo user; give --role. Demo users: {string.Join(", ", LocalTokens.DemoUsers.Keys)}");
        return 2;
    }

    var unknown = roles.Except(Pulang.Workflows.Domain.Roles.All).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"Unknown role(s) {string.Join(", ", unknown)}; roles are {string.Join(", ", Pulang.Workflows.Domain.Roles.All)}");
        return 2;
    }

    Console.WriteLine(tokens.Mint(id, roles, TimeSpan.FromHours(parse.GetValue(hours))));
    return 0;
});

var users = new Command("users", "List the demo users and their roles.");
users.SetAction(_ =>
{
    foreach (var (id, r) in LocalTokens.DemoUsers)
    {
        Console.WriteLine($"{id,-24} {string.Join(", ", r)}");
    }
});

var manifestFile = new Argument<FileInfo>("file") { Description = "Where to write the manifest (.csv or .json; the extension picks the format)." };
var manifestCount = new Option<int>("--count") { Description = "How many persons (default 101).", DefaultValueFactory = _ => 101 };
var manifestSeed = new Option<int>("--seed") { Description = "Seed (default 1): the same seed gives the same persons.", DefaultValueFactory = _ => 1 };
var manifestPrefix = new Option<string>("--prefix") { Description = "External reference prefix (default KBRI-KL-2026; references are PREFIX-0001...).", DefaultValueFactory = _ => "KBRI-KL-2026" };
var manifestSample = new Command("manifest-sample", "Write a fictional embassy manifest (made-up names, valid NIKs) for POST /api/manifests or the manifests container.")
{
    manifestFile, manifestCount, manifestSeed, manifestPrefix,
};
manifestSample.SetAction(parse =>
{
    var file = parse.GetValue(manifestFile)!;
    var persons = ManifestSample.Persons(parse.GetValue(manifestCount), parse.GetValue(manifestSeed), parse.GetValue(manifestPrefix)!, DateOnly.FromDateTime(DateTime.UtcNow));
    File.WriteAllText(file.FullName, file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase) ? ManifestSample.ToJson(persons) : ManifestSample.ToCsv(persons));
    Console.WriteLine($"{persons.Count} fictional persons written to {file.FullName}");
});

var connection = new Option<string?>("--connection") { Description = "Storage connection string (default: Pulang__StorageConnectionString, else the local Azurite)." };
var account = new Option<string?>("--account") { Description = "Storage account name, signed in with Entra ID (DefaultAzureCredential: az login, a managed identity) instead of a connection string, for an account with shared keys off; needs Storage Blob Data Reader and Storage Table Data Reader." };
var auditVerify = new Command("audit-verify", "Verify every case's audit trail (hash chain) in a storage account; exit code 1 if any log was tampered with.") { connection, account };
auditVerify.TreatUnmatchedTokensAsErrors = false;
auditVerify.SetAction(async (parse, ct) =>
{
    if (parse.GetValue(account) is { Length: > 0 } name)
    {
        return await AuditVerifyCommand.RunAsync(Pulang.Workflows.Storage.PulangStorage.ForAccount(name, new Azure.Identity.DefaultAzureCredential()), Console.Out, ct);
    }

    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. parse.UnmatchedTokens]).Build();
    var storage = parse.GetValue(connection) is { Length: > 0 } c ? c
        : config["Pulang:StorageConnectionString"] is { Length: > 0 } configured ? configured
        : Azurite.ConnectionStringFor(config.GetValue("Pulang:AzuritePort", PulangHost.DefaultAzuritePort));
    return await AuditVerifyCommand.RunAsync(storage, Console.Out, ct);
});

var purgeConnection = new Option<string?>("--connection") { Description = "Storage connection string (default: Pulang__StorageConnectionString, else the local Azurite)." };
var dryRun = new Option<bool>("--dry-run") { Description = "List what would be purged now and purge nothing (the purge itself is the service's durable schedule)." };
var purge = new Command("purge", "Retention: list the finished cases whose data is due for purge under Pulang:Retention (see docs/retention.md).") { purgeConnection, dryRun };
purge.TreatUnmatchedTokensAsErrors = false;
purge.SetAction(async (parse, ct) =>
{
    if (!parse.GetValue(dryRun))
    {
        Console.Error.WriteLine("purge: only --dry-run is an operator command; the service's retention schedule purges (Pulang:Retention, docs/retention.md).");
        return 2;
    }

    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. parse.UnmatchedTokens]).Build();
    var storage = parse.GetValue(purgeConnection) is { Length: > 0 } c ? c
        : config["Pulang:StorageConnectionString"] is { Length: > 0 } configured ? configured
        : Azurite.ConnectionStringFor(config.GetValue("Pulang:AzuritePort", PulangHost.DefaultAzuritePort));
    var retention = config.GetSection(Pulang.Workflows.Retention.RetentionOptions.Section).Get<Pulang.Workflows.Retention.RetentionOptions>() ?? new();
    return await PurgeCommand.DryRunAsync(new Pulang.Workflows.Storage.PulangStorage(storage), retention, DateTimeOffset.UtcNow, Console.Out, ct);
});

root.Subcommands.Add(serve);
root.Subcommands.Add(purge);
root.Subcommands.Add(manifestSample);
root.Subcommands.Add(auditVerify);
root.Subcommands.Add(demo);
root.Subcommands.Add(token);
root.Subcommands.Add(users);
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(async (parse, ct) =>
{
    var app = await PulangHost.BuildAsync([.. parse.UnmatchedTokens]);
    await app.RunAsync(ct);
    return 0;
});

// SIGTERM and Ctrl-C cancel the action's token and wait for it: the host stops its work and the Azurite it started
// (HostOptions.ShutdownTimeout is 30 s). System.CommandLine's default, 2 s, ended the process in the middle of that stop.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
