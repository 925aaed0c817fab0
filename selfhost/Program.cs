// Placeholder entry point so the skeleton builds on the docs branch; the self-host proper (ASP.NET Core +
// Durable Task worker) replaces this file on main.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
