using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>
/// An <see cref="IDirectorySearch"/> over the national directory's FHIR API (« API FHIR Annuaire Santé », R4, version 2).
/// MSSanté mailboxes are <c>telecom</c> entries of <c>Practitioner</c> (PER and CAB mailboxes tied to the person only),
/// <c>PractitionerRole</c> (PER mailboxes tied to the person and a structure) and <c>Organization</c> (ORG and APP mailboxes).
/// </summary>
/// <remarks>
/// <para>
/// A query becomes one to three FHIR searches narrowed by what the API can express (<c>family</c>, <c>given</c>, <c>name</c>,
/// <c>identifier</c>, <c>mailbox-mss</c>, <c>address-city</c>, <c>address-postalcode</c>), with <c>_include</c>/<c>_revinclude</c>
/// to bring the person and the structure of each mailbox; every criterion is then checked again locally with the same rules as
/// <see cref="InMemoryDirectory"/>, which also ranks the results. Each search reads at most
/// <see cref="AnnuaireSanteFhirOptions.MaxPages"/> pages, so <see cref="DirectoryPage.TotalCount"/> counts the matches among what was read.
/// </para>
/// <para>Mailboxes on the red list (<c>listeRouge</c>) are never returned. The client is thread-safe; keep one.</para>
/// </remarks>
public sealed class AnnuaireSanteFhirDirectory : IDirectorySearch
{
    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeaderName = "ESANTE-API-KEY";

    /// <summary>The largest page read: 64 MiB, hundreds of times a page of the API's resources.</summary>
    internal const int MaxBundleBytes = 64 * 1024 * 1024;

    // A client per request: from IHttpClientFactory, whose handlers are recycled, or always the one the caller gave.
    private readonly Func<HttpClient> _http;
    private readonly Uri _baseUri;
    private readonly string _apiKey;
    private readonly int _pageSize;
    private readonly int _maxPages;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly TrustedDomainList _trustedDomains;

    /// <summary>Creates a client of the Annuaire Santé FHIR API.</summary>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c> or kept for the application's lifetime).</param>
    /// <param name="options">The settings, read once here.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A setting is missing or out of range (no API key, a non-https base address…).</exception>
    public AnnuaireSanteFhirDirectory(HttpClient httpClient, AnnuaireSanteFhirOptions options)
        : this(httpClient is null ? throw new ArgumentNullException(nameof(httpClient)) : () => httpClient, options)
    {
    }

    /// <summary>A directory calling the API with a client made for each request (from <see cref="IHttpClientFactory"/>).</summary>
    internal AnnuaireSanteFhirDirectory(Func<HttpClient> httpClient, AnnuaireSanteFhirOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        var baseText = options.BaseUri.AbsoluteUri;
        _baseUri = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
        _apiKey = options.ApiKey.Trim();
        _pageSize = options.PageSize;
        _maxPages = options.MaxPages;
        _timeout = options.Timeout;
        _time = options.TimeProvider;
        _trustedDomains = options.TrustedDomains;
    }

    /// <inheritdoc/>
    /// <exception cref="DirectorySourceException">
    /// The API refused the key (401/403), limited the rate (429, with <see cref="DirectorySourceException.RetryAfter"/>), failed (5xx),
    /// did not answer within <see cref="AnnuaireSanteFhirOptions.Timeout"/>, could not be reached, or answered something other than a FHIR Bundle.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default)
    {
        DirectoryQueryValidation.ThrowIfInvalid(query);
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectorySearch)?.Tag(Diagnostics.SdkTelemetry.DirectorySource, "fhir");
        try
        {
            var searches = FhirSearchPlan.Create(query);
            if (searches is null)
            {
                return new DirectoryPage([], 0, query.Skip);
            }
            var pool = new FhirResourcePool();
            foreach (var search in searches)
            {
                await ReadSearchAsync(search, pool, cancellationToken).ConfigureAwait(false);
            }
            await ResolveReferencesAsync(pool, cancellationToken).ConfigureAwait(false);
            var ranked = DirectoryMatching.Rank(FhirMailboxReader.Read(pool, _trustedDomains), query);
            traced?.Tag(Diagnostics.SdkTelemetry.ResultCount, ranked.Count);
            return new DirectoryPage(ranked.Skip(query.Skip).Take(query.Take).ToList(), ranked.Count, query.Skip);
        }
        catch (Exception e) when (Diagnostics.SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
    }

    private async Task ReadSearchAsync(FhirSearch search, FhirResourcePool pool, CancellationToken cancellationToken, int? pageSize = null)
    {
        var parameters = search.Parameters.Append(new("_count", (pageSize ?? _pageSize).ToString(CultureInfo.InvariantCulture)));
        Uri? url = new(_baseUri, search.ResourceType + "?" + FhirSearchPlan.QueryString(parameters));
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < _maxPages && url is not null && visited.Add(url.AbsoluteUri); page++)
        {
            var bundle = await GetBundleAsync(url, search.ResourceType, cancellationToken).ConfigureAwait(false);
            pool.AddBundle(bundle, search.ResourceType, search.ResultsAreMailboxHolders);
            url = NextLink(bundle);
        }
    }

    /// <summary>Reads the persons and structures that mailboxes of <c>PractitionerRole</c>s point to and the searches did not bring.</summary>
    private async Task ReadSearchesByIdAsync(string resourceType, IReadOnlyCollection<string> ids, FhirResourcePool pool, CancellationToken cancellationToken)
    {
        const int idsPerRequest = 50;
        foreach (var chunk in ids.Chunk(idsPerRequest))
        {
            var search = new FhirSearch(resourceType, [new("_id", string.Join(',', chunk.Select(FhirSearchPlan.Escape)))], ResultsAreMailboxHolders: false);
            await ReadSearchAsync(search, pool, cancellationToken, Math.Max(_pageSize, chunk.Length)).ConfigureAwait(false);
        }
    }

    private async Task ResolveReferencesAsync(FhirResourcePool pool, CancellationToken cancellationToken)
    {
        var (practitioners, organizations) = pool.MissingReferences();
        if (practitioners.Count > 0)
        {
            await ReadSearchesByIdAsync("Practitioner", practitioners, pool, cancellationToken).ConfigureAwait(false);
        }
        if (organizations.Count > 0)
        {
            await ReadSearchesByIdAsync("Organization", organizations, pool, cancellationToken).ConfigureAwait(false);
        }
    }

    private Uri? NextLink(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("link", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var link in links.EnumerateArray())
        {
            if (Fhir.String(link, "relation") == "next" && Fhir.String(link, "url") is { Length: > 0 } text)
            {
                if (!Uri.TryCreate(_baseUri, text, out var next))
                {
                    throw new DirectorySourceException(
                        "The Annuaire Santé API sent a next-page link that is not an address; the service may be degraded. Try again later.",
                        statusCode: null, retryAfter: null, isTransient: true);
                }
                if (!string.Equals(next.Scheme, _baseUri.Scheme, StringComparison.OrdinalIgnoreCase) ||
                    !string.Equals(next.Host, _baseUri.Host, StringComparison.OrdinalIgnoreCase) || next.Port != _baseUri.Port)
                {
                    // Following it would send the API key to another server.
                    throw new DirectorySourceException(
                        "The Annuaire Santé API sent a next-page link to another server; it was not followed so that the API key stays with the API. Check AnnuaireSanteFhirOptions.BaseUri.",
                        statusCode: null, retryAfter: null, isTransient: false);
                }
                return next;
            }
        }
        return null;
    }

    /// <summary>One page of a search: a request traced by the resource type searched, never by its address (it holds the query).</summary>
    private async Task<JsonElement> GetBundleAsync(Uri url, string resourceType, CancellationToken cancellationToken)
    {
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.FhirRequest, System.Diagnostics.ActivityKind.Client);
        traced?.Tag(Diagnostics.SdkTelemetry.FhirResource, resourceType).Tag(Diagnostics.SdkTelemetry.ServerAddress, _baseUri.Host).Tag(Diagnostics.SdkTelemetry.ServerPort, _baseUri.Port);
        try
        {
            return await GetBundleAsync(url, traced, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Diagnostics.SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
    }

    private async Task<JsonElement> GetBundleAsync(Uri url, Diagnostics.TracedOperation? traced, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(ApiKeyHeaderName, _apiKey);
        request.Headers.Accept.ParseAdd("application/fhir+json");
        request.Headers.Accept.ParseAdd("application/json; q=0.9");
        using var timeout = _timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout?.Token ?? CancellationToken.None);
        try
        {
            using var response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            traced?.Tag(Diagnostics.SdkTelemetry.HttpStatus, (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response);
            }
            var bytes = await Diagnostics.RemoteBody.ReadAsync(response.Content, MaxBundleBytes, linked.Token).ConfigureAwait(false)
                ?? throw new DirectorySourceException(
                    $"The Annuaire Santé API sent a page larger than {MaxBundleBytes / (1024 * 1024)} MiB; it was not read. Try again later, or lower AnnuaireSanteFhirOptions.PageSize.",
                    statusCode: null, retryAfter: null, isTransient: true);
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !Diagnostics.RemoteValues.IsText(root) || Fhir.String(root, "resourceType") != "Bundle")
            {
                throw Malformed(null);
            }
            return root.Clone();
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our timeout, or HttpClient.Timeout: the caller did not cancel.
            throw new DirectorySourceException(
                $"The Annuaire Santé API did not answer within {Describe(_timeout)}. Try again later, or raise AnnuaireSanteFhirOptions.Timeout.",
                statusCode: null, retryAfter: null, isTransient: true, new TimeoutException("The Annuaire Santé API did not answer in time.", ex));
        }
        catch (HttpRequestException ex)
        {
            throw new DirectorySourceException(
                "Could not reach the Annuaire Santé API. Check the network and proxy, and AnnuaireSanteFhirOptions.BaseUri; then try again.",
                statusCode: null, retryAfter: null, isTransient: true, ex);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private static DirectorySourceException Malformed(Exception? inner) => new(
        "The Annuaire Santé API answered with something other than a FHIR JSON Bundle: the service may be degraded, or AnnuaireSanteFhirOptions.BaseUri does not point to the FHIR API (…/fhir/v2/). Try again later.",
        statusCode: null, retryAfter: null, isTransient: true, inner);

    private DirectorySourceException Failure(HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var code = (int)status;
        var retryAfter = RetryAfter(response);
        var when = retryAfter is { } delay ? $"in {Math.Ceiling(delay.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s" : "in a moment";
        return code switch
        {
            401 or 403 => new DirectorySourceException(
                $"The Annuaire Santé API refused the API key (HTTP {code}). Check AnnuaireSanteFhirOptions.ApiKey: it must be the key of an application subscribed to the Annuaire Santé FHIR API on the ANS API portal, still valid.",
                status, retryAfter, isTransient: false),
            429 => new DirectorySourceException(
                $"The Annuaire Santé API rate limit was reached (HTTP 429). Try again {when}, and send fewer searches (for example, search as the person types only after a pause).",
                status, retryAfter, isTransient: true),
            >= 500 => new DirectorySourceException(
                $"The Annuaire Santé API failed (HTTP {code}). Try again {when}; if it lasts, check the service status on the ANS API portal.",
                status, retryAfter, isTransient: true),
            404 => new DirectorySourceException(
                "The Annuaire Santé API answered HTTP 404. Check AnnuaireSanteFhirOptions.BaseUri: it must be the FHIR API's base, such as https://gateway.api.esante.gouv.fr/fhir/v2/.",
                status, retryAfter, isTransient: false),
            _ => new DirectorySourceException(
                $"The Annuaire Santé API rejected the search (HTTP {code}). This version of the API may not support a search parameter the SDK sent; report it with the query's criteria.",
                status, retryAfter, isTransient: false),
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var left = date - _time.GetUtcNow();
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
        return null;
    }

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : $"{timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
}

/// <summary>One FHIR search: a resource type and its parameters, and whether the resources it returns carry the wanted mailboxes.</summary>
internal sealed record FhirSearch(string ResourceType, IReadOnlyList<KeyValuePair<string, string>> Parameters, bool ResultsAreMailboxHolders = true);

/// <summary>
/// Turns a <see cref="DirectoryQuery"/> into the FHIR searches that find a superset of its answer; the exact answer is then
/// kept locally by <see cref="DirectoryMatching"/>.
/// </summary>
internal static class FhirSearchPlan
{
    public const string IdNatPsSystem = "urn:oid:1.2.250.1.71.4.2.1";
    public const string RppsSystem = "https://rpps.esante.gouv.fr";
    public const string AdeliSystem = "https://adeli.esante.gouv.fr";

    private const string RevIncludeRolesOfPractitioner = "PractitionerRole:practitioner";
    private const string RevIncludeRolesOfOrganization = "PractitionerRole:organization";

    /// <summary>The searches to run, or null when no entry can match (an identifier that is no RPPS or ADELI, text without words).</summary>
    public static IReadOnlyList<FhirSearch>? Create(DirectoryQuery q)
    {
        if (!string.IsNullOrWhiteSpace(q.Text) && DirectoryText.Words(q.Text).Length == 0)
        {
            return null;
        }
        string? identifier = null;
        if (HasWords(q.Identifier))
        {
            identifier = IdentifierParameter(q.Identifier!.Trim());
            if (identifier is null)
            {
                return null;
            }
        }

        var personCriteria = HasWords(q.LastName) || HasWords(q.FirstName) || identifier is not null || HasWords(q.Profession);
        var structureCriteria = HasWords(q.Organization) || HasWords(q.City) || HasWords(q.PostalCode) || HasWords(q.Department);
        var personKind = q.MailboxKind is null or MailboxKind.Personal or MailboxKind.Practice;
        // Where each kind of mailbox lives in the API: PER/CAB on Practitioner (person only) or PractitionerRole (person and
        // structure), ORG/APP on Organization.
        var onPractitioner = personKind && !structureCriteria;
        var onRole = personKind;
        var onOrganization = (q.MailboxKind is null or MailboxKind.Organisational or MailboxKind.Applicative) && !personCriteria;

        var practitioner = new List<KeyValuePair<string, string>>();
        AddWord(practitioner, "family:contains", q.LastName);
        AddWord(practitioner, "given:contains", q.FirstName);
        if (identifier is not null)
        {
            practitioner.Add(new("identifier", identifier));
        }
        var organization = new List<KeyValuePair<string, string>>();
        AddWord(organization, "name:contains", q.Organization);
        if (FirstWord(q.City) is { } city)
        {
            organization.Add(new("address-city", Escape(city)));
        }
        if (FirstWord(q.PostalCode) is { } postalCode)
        {
            organization.Add(new("address-postalcode", Escape(postalCode)));
        }
        if (DepartmentPostalPrefix(q.Department) is { } department)
        {
            organization.Add(new("address-postalcode", department));
        }

        var searches = new List<FhirSearch>();
        if (HasWords(q.Email))
        {
            // Each holder is searched by its own mailboxes.
            var mailbox = MailboxParameter(q.Email!);
            if (onPractitioner)
            {
                searches.Add(new("Practitioner", [.. practitioner, mailbox]));
            }
            if (onRole)
            {
                searches.Add(new("PractitionerRole", [mailbox, new("_include", "PractitionerRole:practitioner"), new("_include", "PractitionerRole:organization")]));
            }
            if (onOrganization)
            {
                searches.Add(new("Organization", [.. organization, mailbox]));
            }
            return searches;
        }

        var textWord = LongestWord(q.Text);
        var anyMailbox = new KeyValuePair<string, string>("mailbox-mss:contains", "@");
        if (onPractitioner || onRole)
        {
            if (practitioner.Count > 0)
            {
                searches.Add(new("Practitioner", [.. practitioner, new("_revinclude", RevIncludeRolesOfPractitioner)]));
            }
            else if (organization.Count == 0 && textWord is not null)
            {
                searches.Add(new("Practitioner", [new("name:contains", Escape(textWord)), new("_revinclude", RevIncludeRolesOfPractitioner)]));
            }
            else if (organization.Count == 0)
            {
                // Nothing the API can narrow (a profession, a department name, a kind): read what MaxPages allows.
                if (onPractitioner)
                {
                    searches.Add(new("Practitioner", [anyMailbox]));
                }
                searches.Add(new("PractitionerRole", [anyMailbox, new("_include", "PractitionerRole:practitioner"), new("_include", "PractitionerRole:organization")]));
            }
        }
        // Roles found from their structure only when no person criterion already brought them.
        var rolesFromOrganization = onRole && practitioner.Count == 0;
        if (onOrganization || rolesFromOrganization)
        {
            KeyValuePair<string, string>[] revInclude = rolesFromOrganization ? [new("_revinclude", RevIncludeRolesOfOrganization)] : [];
            if (organization.Count > 0)
            {
                searches.Add(new("Organization", [.. organization, .. revInclude]));
            }
            else if (textWord is not null && practitioner.Count == 0)
            {
                searches.Add(new("Organization", [new("name:contains", Escape(textWord)), .. revInclude]));
                searches.Add(new("Organization", [new("address-city", Escape(textWord)), .. revInclude]));
            }
            else if (onOrganization && practitioner.Count == 0)
            {
                searches.Add(new("Organization", [anyMailbox]));
            }
        }
        return searches;
    }

    /// <summary>Query string of the parameters, values percent-encoded.</summary>
    public static string QueryString(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>Escapes the FHIR search separators (<c>\ , $ |</c>) inside one value.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
             .Replace("$", "\\$", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>
    /// A full address is looked up exactly (addresses are published in lower case); anything else by substring. The local check
    /// then applies the word-prefix rule of <see cref="DirectoryMatching"/>.
    /// </summary>
    private static KeyValuePair<string, string> MailboxParameter(string email)
    {
        var trimmed = email.Trim();
        if (!trimmed.Any(char.IsWhiteSpace) && trimmed.Contains('@', StringComparison.Ordinal) && MssanteAddress.CheckSyntax(trimmed, out _, out _) is null)
        {
            return new("mailbox-mss:exact", Escape(trimmed.ToLowerInvariant()));
        }
        // Several pieces typed: the longest narrows the most; the others are checked locally.
        var piece = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).MaxBy(p => p.Length)!;
        return new("mailbox-mss:contains", Escape(piece));
    }

    /// <summary>An RPPS or ADELI, raw or as national id, as an OR of its national id and its register's own system.</summary>
    private static string? IdentifierParameter(string criterion)
    {
        HealthIdentifier? id = null;
        if (Rpps.TryParse(criterion, out var rpps))
        {
            id = rpps;
        }
        else if (Adeli.TryParse(criterion, out var adeli))
        {
            id = adeli;
        }
        else if (NationalIdentifier.TryParse(criterion, out var national, out _) && national is Rpps or Adeli)
        {
            id = national;
        }
        return id switch
        {
            Rpps r => $"{IdNatPsSystem}|{Escape(r.NationalId)},{RppsSystem}|{Escape(r.Value)}",
            Adeli a => $"{IdNatPsSystem}|{Escape(a.NationalId)},{AdeliSystem}|{Escape(a.Value)}",
            _ => null,
        };
    }

    /// <summary>A département number as the start of its postal codes (2A and 2B: 20); null for a name.</summary>
    private static string? DepartmentPostalPrefix(string? department)
    {
        var d = department?.Trim() ?? string.Empty;
        if (d.Length is 2 or 3 && d.All(char.IsAsciiDigit))
        {
            return d;
        }
        return d.Length == 2 && d[0] == '2' && d[1] is 'A' or 'a' or 'B' or 'b' ? "20" : null;
    }

    private static bool HasWords(string? criterion) => DirectoryText.Words(criterion).Length > 0;

    private static void AddWord(List<KeyValuePair<string, string>> parameters, string name, string? criterion)
    {
        if (LongestWord(criterion) is { } word)
        {
            parameters.Add(new(name, Escape(word)));
        }
    }

    /// <summary>The pieces of a criterion as typed (accents kept), split where <see cref="DirectoryText"/> splits words.</summary>
    private static List<string> Pieces(string? criterion)
    {
        var pieces = new List<string>();
        if (string.IsNullOrWhiteSpace(criterion))
        {
            return pieces;
        }
        var text = criterion.Normalize(NormalizationForm.FormC);
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                pieces.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            pieces.Add(current.ToString());
        }
        return pieces.Where(p => DirectoryText.Fold(p).Length > 0).ToList();
    }

    /// <summary>The longest word: every criterion word must start a word of the value, so the value contains this one.</summary>
    private static string? LongestWord(string? criterion) => Pieces(criterion).MaxBy(p => DirectoryText.Fold(p).Length);

    private static string? FirstWord(string? criterion) => Pieces(criterion).FirstOrDefault();
}

/// <summary>The resources read during one search, by <c>Type/id</c>, and which of them carry the mailboxes to return.</summary>
internal sealed class FhirResourcePool
{
    private readonly Dictionary<string, JsonElement> _resources = new(StringComparer.Ordinal);
    private readonly List<string> _holders = [];
    private readonly HashSet<string> _holderSet = new(StringComparer.Ordinal);

    public IEnumerable<(string Type, JsonElement Resource)> Holders =>
        _holders.Select(k => (k[..k.IndexOf('/', StringComparison.Ordinal)], _resources[k]));

    public JsonElement? Find(string? key) => key is not null && _resources.TryGetValue(key, out var r) ? r : null;

    public void AddBundle(JsonElement bundle, string searchedType, bool resultsAreHolders)
    {
        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var type = Fhir.String(resource, "resourceType");
            var id = Fhir.String(resource, "id");
            if (type is not ("Practitioner" or "PractitionerRole" or "Organization") || string.IsNullOrEmpty(id))
            {
                continue;
            }
            var key = type + "/" + id;
            _resources.TryAdd(key, resource);
            var mode = entry.TryGetProperty("search", out var search) ? Fhir.String(search, "mode") : null;
            // Roles brought by _revinclude carry PER mailboxes too; persons and structures brought by _include are context.
            var holder = resultsAreHolders && (type == "PractitionerRole" || mode == "match" || (mode is null && type == searchedType));
            if (holder && _holderSet.Add(key))
            {
                _holders.Add(key);
            }
        }
    }

    /// <summary>The ids of the persons and structures that holder roles point to and that were not read.</summary>
    public (IReadOnlyCollection<string> Practitioners, IReadOnlyCollection<string> Organizations) MissingReferences()
    {
        var practitioners = new SortedSet<string>(StringComparer.Ordinal);
        var organizations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (type, resource) in Holders)
        {
            if (type != "PractitionerRole")
            {
                continue;
            }
            if (Fhir.ReferenceKey(resource, "practitioner", "Practitioner") is { } p && !_resources.ContainsKey(p))
            {
                practitioners.Add(p["Practitioner/".Length..]);
            }
            if (Fhir.ReferenceKey(resource, "organization", "Organization") is { } o && !_resources.ContainsKey(o))
            {
                organizations.Add(o["Organization/".Length..]);
            }
        }
        return (practitioners, organizations);
    }
}

/// <summary>Reads the MSSanté mailboxes of the holder resources into <see cref="DirectoryEntry"/> values.</summary>
internal static class FhirMailboxReader
{
    public const string MailboxMetadataUrl = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata";
    public const string EmailTypeUrl = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type";

    /// <summary>The RPPS « Profession » labels (TRE_G15), for answers whose coding has no display.</summary>
    private static readonly Dictionary<string, string> ProfessionLabels = new(StringComparer.Ordinal)
    {
        ["10"] = "Médecin",
        ["21"] = "Pharmacien",
        ["26"] = "Audioprothésiste",
        ["28"] = "Opticien-Lunetier",
        ["40"] = "Chirurgien-Dentiste",
        ["50"] = "Sage-Femme",
        ["60"] = "Infirmier",
        ["70"] = "Masseur-Kinésithérapeute",
        ["80"] = "Pédicure-Podologue",
        ["91"] = "Orthophoniste",
        ["92"] = "Orthoptiste",
        ["94"] = "Ergothérapeute",
        ["95"] = "Diététicien",
        ["96"] = "Psychomotricien",
        ["98"] = "Manipulateur ERM",
    };

    /// <summary>Entries of every mailbox not on the red list, each address once: roles first (they know the structure), then persons, then structures.</summary>
    public static List<DirectoryEntry> Read(FhirResourcePool pool, TrustedDomainList trustedDomains)
    {
        var seen = new HashSet<MssanteAddress>();
        var entries = new List<DirectoryEntry>();
        foreach (var type in new[] { "PractitionerRole", "Practitioner", "Organization" })
        {
            foreach (var (holderType, holder) in pool.Holders)
            {
                if (holderType != type)
                {
                    continue;
                }
                JsonElement? person = type switch
                {
                    "Practitioner" => holder,
                    "PractitionerRole" => pool.Find(Fhir.ReferenceKey(holder, "practitioner", "Practitioner")),
                    _ => null,
                };
                JsonElement? structure = type switch
                {
                    "Organization" => holder,
                    "PractitionerRole" => pool.Find(Fhir.ReferenceKey(holder, "organization", "Organization")),
                    _ => null,
                };
                foreach (var mailbox in Mailboxes(holder, trustedDomains))
                {
                    if (seen.Add(mailbox.Address))
                    {
                        entries.Add(Entry(mailbox, type, holder, person, structure));
                    }
                }
            }
        }
        return entries;
    }

    private sealed record Mailbox(MssanteAddress Address, string? Type, string? Service);

    private static IEnumerable<Mailbox> Mailboxes(JsonElement resource, TrustedDomainList trustedDomains)
    {
        foreach (var telecom in Fhir.Array(resource, "telecom"))
        {
            if (Fhir.String(telecom, "system") != "email" || Fhir.String(telecom, "value") is not { } value)
            {
                continue;
            }
            string? emailType = null;
            JsonElement? metadata = null;
            foreach (var extension in Fhir.Array(telecom, "extension"))
            {
                var url = Fhir.String(extension, "url");
                if (url == EmailTypeUrl)
                {
                    emailType = Fhir.Code(extension);
                }
                else if (url == MailboxMetadataUrl)
                {
                    metadata = extension;
                }
            }
            // A structure's plain contact address is not a mailbox: MSSANTE type, or at least the MSS metadata, is required.
            if (emailType is not null ? emailType != "MSSANTE" : metadata is null)
            {
                continue;
            }
            string? type = null, service = null;
            var redList = false;
            foreach (var sub in metadata is { } m ? Fhir.Array(m, "extension") : [])
            {
                switch (Fhir.String(sub, "url"))
                {
                    case "type":
                        type = Fhir.Code(sub);
                        break;
                    case "service":
                        service = Fhir.String(sub, "valueString");
                        break;
                    case "listeRouge":
                        redList = sub.TryGetProperty("valueBoolean", out var flag) && flag.ValueKind == JsonValueKind.True;
                        break;
                }
            }
            if (redList || !MssanteAddress.TryParse(value.Trim(), trustedDomains, out var address, out _))
            {
                continue;
            }
            yield return new Mailbox(address, type, string.IsNullOrWhiteSpace(service) ? null : service.Trim());
        }
    }

    private static DirectoryEntry Entry(Mailbox mailbox, string holderType, JsonElement holder, JsonElement? person, JsonElement? structure)
    {
        var kind = mailbox.Type?.ToUpperInvariant() switch
        {
            "PER" => MailboxKind.Personal,
            "ORG" => MailboxKind.Organisational,
            "APP" => MailboxKind.Applicative,
            "CAB" => MailboxKind.Practice,
            _ => holderType == "Organization" ? MailboxKind.Organisational : MailboxKind.Personal,
        };
        var name = person is { } p ? PreferredName(p) : null;
        var (professionCode, profession) = Profession(holderType == "PractitionerRole" ? holder : null, person);
        var address = structure is { } s ? PreferredAddress(s) : null;
        var organization = structure is { } o ? Fhir.String(o, "name") : null;
        if (organization is null && holderType == "PractitionerRole" && holder.TryGetProperty("organization", out var reference))
        {
            organization = Fhir.String(reference, "display");
        }
        var given = name is { } n ? string.Join(' ', Fhir.Array(n, "given").Select(Diagnostics.RemoteValues.Text).OfType<string>()) : null;
        return new DirectoryEntry
        {
            Address = mailbox.Address,
            MailboxKind = kind,
            LastName = name is { } family ? NullIfBlank(Fhir.String(family, "family")) : null,
            FirstName = NullIfBlank(given),
            Civility = name is { } c ? NullIfBlank(Fhir.FirstString(c, "suffix") ?? Fhir.FirstString(c, "prefix")) : null,
            ProfessionCode = professionCode,
            Profession = profession,
            Specialty = Specialty(holderType == "PractitionerRole" ? holder : null, person),
            Identifier = person is { } who ? Identifier(who) : null,
            Organization = NullIfBlank(organization),
            Service = mailbox.Service,
            AddressLines = address is { } a ? AddressLines(a) : [],
            PostalCode = address is { } pc ? NullIfBlank(Fhir.String(pc, "postalCode")) : null,
            City = address is { } city ? NullIfBlank(Fhir.String(city, "city")) : null,
            Department = address is { } d ? Department(d) : null,
            Country = address is { } country ? NullIfBlank(Fhir.String(country, "country")) : null,
        };
    }

    private static JsonElement? PreferredName(JsonElement person)
    {
        var names = Fhir.Array(person, "name").ToList();
        return names.FirstOrDefault(n => Fhir.String(n, "use") is "official" or "usual") is { ValueKind: JsonValueKind.Object } preferred
            ? preferred
            : names.Count > 0 ? names[0] : null;
    }

    private static JsonElement? PreferredAddress(JsonElement structure)
    {
        var addresses = Fhir.Array(structure, "address").ToList();
        return addresses.FirstOrDefault(a => Fhir.String(a, "use") is "work") is { ValueKind: JsonValueKind.Object } work
            ? work
            : addresses.Count > 0 ? addresses[0] : null;
    }

    /// <summary>The RPPS, else the ADELI, from the register's own identifier or the national id (8 + RPPS, 0 + ADELI).</summary>
    private static HealthIdentifier? Identifier(JsonElement person)
    {
        HealthIdentifier? fromNationalId = null;
        HealthIdentifier? adeli = null;
        foreach (var identifier in Fhir.Array(person, "identifier"))
        {
            var system = Fhir.String(identifier, "system");
            var value = Fhir.String(identifier, "value")?.Trim();
            if (system is null || value is null)
            {
                continue;
            }
            // Older answers used http://rpps.fr; the guide says https://rpps.esante.gouv.fr.
            if (system.Contains("rpps", StringComparison.OrdinalIgnoreCase) && !system.Contains("rang", StringComparison.OrdinalIgnoreCase) && Rpps.TryParse(value, out var rpps))
            {
                return rpps;
            }
            if (system.Contains("adeli", StringComparison.OrdinalIgnoreCase) && Adeli.TryParse(value, out var a))
            {
                adeli ??= a;
            }
            else if (system == FhirSearchPlan.IdNatPsSystem && NationalIdentifier.TryParse(value, out var national, out _) && national is Rpps or Adeli)
            {
                fromNationalId ??= national;
            }
        }
        return fromNationalId is Rpps ? fromNationalId : adeli ?? fromNationalId;
    }

    /// <summary>The profession (TRE_G15) of the role, else of the person's qualifications.</summary>
    private static (string? Code, string? Label) Profession(JsonElement? role, JsonElement? person)
    {
        IEnumerable<JsonElement> codings = [];
        if (role is { } r)
        {
            codings = codings.Concat(Fhir.Array(r, "code").SelectMany(c => Fhir.Array(c, "coding")));
        }
        if (person is { } p)
        {
            codings = codings.Concat(Fhir.Array(p, "qualification").SelectMany(q => q.TryGetProperty("code", out var c) ? Fhir.Array(c, "coding") : []));
        }
        foreach (var coding in codings)
        {
            var system = Fhir.String(coding, "system") ?? string.Empty;
            if ((system.Contains("TRE_G15-ProfessionSante", StringComparison.Ordinal) || system.Contains("TRE-G15-ProfessionSante", StringComparison.Ordinal)) &&
                Fhir.String(coding, "code") is { Length: > 0 } code)
            {
                return (code, NullIfBlank(Fhir.String(coding, "display")) ?? ProfessionLabels.GetValueOrDefault(code));
            }
        }
        return (null, null);
    }

    /// <summary>The ordinal specialty (« savoir-faire », TRE_R38) of the role, else of the person, when it has a label.</summary>
    private static string? Specialty(JsonElement? role, JsonElement? person)
    {
        IEnumerable<JsonElement> codings = [];
        if (role is { } r)
        {
            codings = codings.Concat(Fhir.Array(r, "specialty").SelectMany(c => Fhir.Array(c, "coding")));
        }
        if (person is { } p)
        {
            codings = codings.Concat(Fhir.Array(p, "qualification").SelectMany(q => q.TryGetProperty("code", out var c) ? Fhir.Array(c, "coding") : []));
        }
        return codings
            .Where(c => (Fhir.String(c, "system") ?? string.Empty).Contains("SpecialiteOrdinale", StringComparison.Ordinal))
            .Select(c => NullIfBlank(Fhir.String(c, "display")))
            .FirstOrDefault(d => d is not null);
    }

    /// <summary>The street lines; a line given only as parts (number, type, street name) is rebuilt from them.</summary>
    private static List<string> AddressLines(JsonElement address)
    {
        var lines = new List<string>();
        var values = Fhir.Array(address, "line").ToList();
        var parts = Fhir.Array(address, "_line").ToList();
        for (var i = 0; i < Math.Max(values.Count, parts.Count); i++)
        {
            var text = i < values.Count ? Diagnostics.RemoteValues.Text(values[i]) : null;
            if (string.IsNullOrWhiteSpace(text) && i < parts.Count)
            {
                text = string.Join(' ', Fhir.Array(parts[i], "extension")
                    .Where(e => Fhir.String(e, "url")?.EndsWith("ADXP-houseNumber", StringComparison.Ordinal) == true ||
                                Fhir.String(e, "url")?.EndsWith("ADXP-buildingNumberSuffix", StringComparison.Ordinal) == true ||
                                Fhir.String(e, "url")?.EndsWith("ADXP-streetNameType", StringComparison.Ordinal) == true ||
                                Fhir.String(e, "url")?.EndsWith("ADXP-streetNameBase", StringComparison.Ordinal) == true)
                    .Select(e => Fhir.String(e, "valueString"))
                    .Where(s => !string.IsNullOrWhiteSpace(s)));
            }
            if (!string.IsNullOrWhiteSpace(text))
            {
                lines.Add(text.Trim());
            }
        }
        return lines;
    }

    /// <summary>The département: <c>district</c>, else an address extension about the département.</summary>
    private static string? Department(JsonElement address)
    {
        if (NullIfBlank(Fhir.String(address, "district")) is { } district)
        {
            return district;
        }
        foreach (var extension in Fhir.Array(address, "extension"))
        {
            if (Fhir.String(extension, "url")?.Contains("department", StringComparison.OrdinalIgnoreCase) == true)
            {
                if (extension.TryGetProperty("valueCoding", out var coding))
                {
                    return NullIfBlank(Fhir.String(coding, "display")) ?? NullIfBlank(Fhir.String(coding, "code"));
                }
                return NullIfBlank(Fhir.Code(extension));
            }
        }
        return null;
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>Small readers of FHIR JSON that tolerate missing or mistyped elements.</summary>
internal static class Fhir
{
    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? Diagnostics.RemoteValues.Text(value) : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind != JsonValueKind.Null)
            : [];

    public static string? FirstString(JsonElement element, string property) =>
        Array(element, property).Select(Diagnostics.RemoteValues.Text).FirstOrDefault(t => t is not null);

    /// <summary>The code of an extension's value, whatever its type: CodeableConcept, Coding, code or string.</summary>
    public static string? Code(JsonElement extension)
    {
        if (extension.TryGetProperty("valueCodeableConcept", out var concept))
        {
            return Array(concept, "coding").Select(c => String(c, "code")).FirstOrDefault(c => c is not null);
        }
        if (extension.TryGetProperty("valueCoding", out var coding))
        {
            return String(coding, "code");
        }
        return String(extension, "valueCode") ?? String(extension, "valueString");
    }

    /// <summary>
    /// <c>Type/id</c> of a reference element (relative, absolute or versioned), or null when it does not point to that type.
    /// </summary>
    public static string? ReferenceKey(JsonElement resource, string property, string type)
    {
        if (!resource.TryGetProperty(property, out var reference) || String(reference, "reference") is not { Length: > 0 } text)
        {
            return null;
        }
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 2; i >= 0; i--)
        {
            if (segments[i] == type)
            {
                return type + "/" + segments[i + 1];
            }
        }
        return null;
    }
}
