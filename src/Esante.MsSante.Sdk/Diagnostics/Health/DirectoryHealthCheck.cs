using System.Globalization;
using Esante.MsSante.Directory;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Esante.MsSante.Diagnostics.Health;

/// <summary>The national directory is loaded, and its extraction recent enough.</summary>
internal sealed class DirectoryHealthCheck(IDirectorySearch? directory, TimeSpan maxAge, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = directory is ReloadableDirectory reloadable ? reloadable.Current : directory;
        if (current is LoadingDirectory loading)
        {
            if (!loading.Load.IsCompleted)
            {
                return Task.FromResult(HealthCheckResult.Degraded("The national directory is still loading: searches wait for it."));
            }
            if (!loading.Load.IsCompletedSuccessfully)
            {
                // The loader's messages say what is wrong with the file (header, zip), never a row's content.
                var failure = loading.Load.Exception?.GetBaseException();
                return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                    $"The national directory could not be loaded: {failure?.Message ?? "cancelled"}"));
            }
            current = loading.Load.Result;
        }
        return Task.FromResult(current switch
        {
            null => HealthCheckResult.Healthy("No directory is registered: not checked."),
            ExtractionDirectoryIndex index => Freshness(index),
            _ => HealthCheckResult.Healthy($"The directory ({current.GetType().Name}) is not loaded from the national extraction: not checked."),
        });
    }

    private HealthCheckResult Freshness(ExtractionDirectoryIndex index)
    {
        var data = new Dictionary<string, object> { ["entries"] = index.Count };
        if (index.LoadReport?.ExtractedAt is not { } extractedAt)
        {
            return HealthCheckResult.Healthy($"The national directory is loaded ({index.Count} addresses); its file name gives no extraction date.", data);
        }
        data["extractedAt"] = extractedAt;
        var age = time.GetUtcNow() - extractedAt;
        var when = extractedAt.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        return age <= maxAge
            ? HealthCheckResult.Healthy($"The national directory is loaded ({index.Count} addresses), extracted {when}.", data)
            : HealthCheckResult.Degraded($"The national directory's extraction ({when}) is older than {maxAge.TotalHours:0} hours: refresh it (ReloadableDirectory.ReloadAsync).", data: data);
    }
}
