
namespace Esante.MsSante.Directory;

/// <summary>Settings of <see cref="AnnuaireSanteFhirDirectory"/>, the national directory's FHIR API (« API FHIR Annuaire Santé »).</summary>
public sealed class AnnuaireSanteFhirOptions
{
    /// <summary>The production base address of the FHIR API, version 2.</summary>
    public static readonly Uri ProductionBaseUri = new("https://gateway.api.esante.gouv.fr/fhir/v2/");

    /// <summary>The FHIR API's base address. Default: <see cref="ProductionBaseUri"/>.</summary>
    public Uri BaseUri { get; set; } = ProductionBaseUri;

    /// <summary>
    /// The API key from the ANS API portal, sent as the <c>ESANTE-API-KEY</c> header. Required.
    /// It is never logged nor put in an exception message.
    /// </summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>How many resources to ask for per page (FHIR <c>_count</c>). Default 50, the API's own default; between 1 and 1000.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// How many pages to read at most per FHIR search, following the Bundle's <c>next</c> links. Default 5.
    /// A query the API cannot narrow (a profession or a department name alone) stops there: ask for more criteria rather than more pages.
    /// </summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>How long to wait for each answer of the API. Default 30 seconds; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The MSSanté trust space: a mailbox whose domain is outside it is left out of the results. Default: <c>*.mssante.fr</c>;
    /// pass the list built from the national whitelist to keep the whitelisted domains too.
    /// </summary>
    public TrustedDomainList TrustedDomains { get; set; } = TrustedDomainList.Default;

    /// <summary>The clock used for the timeout and to read a dated <c>Retry-After</c>. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws when a setting is missing or out of range; the message names the setting, never the key.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.ApiKey is required: create an application on the ANS API portal, subscribe it to the Annuaire Santé FHIR API and use its key.", nameof(ApiKey));
        }
        if (ApiKey.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.ApiKey contains a line break; copy the key again without it.", nameof(ApiKey));
        }
        if (BaseUri is null || !BaseUri.IsAbsoluteUri || BaseUri.Scheme != Uri.UriSchemeHttps)
        {
            // The key travels in a header: never over plain HTTP.
            throw new ArgumentException("AnnuaireSanteFhirOptions.BaseUri must be an absolute https address such as https://gateway.api.esante.gouv.fr/fhir/v2/.", nameof(BaseUri));
        }
        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.PageSize must be between 1 and 1000.", nameof(PageSize));
        }
        if (MaxPages < 1)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.MaxPages must be 1 or more.", nameof(MaxPages));
        }
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.Timeout must be positive, or Timeout.InfiniteTimeSpan.", nameof(Timeout));
        }
        if (TrustedDomains is null)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.TrustedDomains must not be null.", nameof(TrustedDomains));
        }
        if (TimeProvider is null)
        {
            throw new ArgumentException("AnnuaireSanteFhirOptions.TimeProvider must not be null.", nameof(TimeProvider));
        }
    }
}
