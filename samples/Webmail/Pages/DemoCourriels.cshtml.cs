using Esante.MsSante.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>The fake operator's outbox (codes, reset links), newest first: the demonstration's stand-in for a person's usual mail.</summary>
public sealed class DemoCourrielsModel(IServiceProvider services) : PageModel
{
    public IReadOnlyList<FakeOutboxMessage> Outbox { get; private set; } = [];

    public IActionResult OnGet()
    {
        if (services.GetService<DemoOperator>() is not { } demo)
        {
            return NotFound();
        }
        Outbox = [.. demo.Outbox.Reverse()];
        return Page();
    }
}
