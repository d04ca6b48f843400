using Esante.MsSante.Samples.Webmail;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The guide's screens on the SDK: `dotnet run --project samples/Webmail`, then open the address printed below.
await using var app = WebmailApp.Build(args);
await app.StartAsync();
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
Console.WriteLine($"Webmail MSSanté : {string.Join(", ", addresses)}");
if (app.Services.GetService<DemoOperator>() is { } demo)
{
    Console.WriteLine("Opérateur fictif intégré. Comptes de démonstration :");
    foreach (var line in demo.Describe())
    {
        Console.WriteLine("  " + line);
    }
    Console.WriteLine("Les codes à usage unique et les liens envoyés par courriel sont sur la page « Courriels de démonstration ».");
}
Console.WriteLine("Ctrl+C pour arrêter.");
await app.WaitForShutdownAsync();
