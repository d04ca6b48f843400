using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Esante.MsSante.Tests.Directory.Fhir;

/// <summary>
/// A fake Annuaire Santé FHIR API (v2) as an <see cref="HttpMessageHandler"/>: it holds resources read from a JSON collection
/// Bundle and answers searches with searchset Bundles of the real shape (<c>search.mode</c> match/include, <c>total</c>,
/// <c>self</c>/<c>next</c> links). It knows only the parameters the real API documents; any other one gets a 400, so a client
/// cannot rely on a parameter the API lacks. It checks the <c>ESANTE-API-KEY</c> header and records every request.
/// </summary>
internal sealed class FakeAnnuaireSante : HttpMessageHandler
{
    public const string BaseAddress = "https://gateway.api.esante.gouv.fr/fhir/v2/";
    public const string ApiKey = "4f8c2a1e-test-key-7d93";

    private readonly List<JsonObject> _resources;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();

    public FakeAnnuaireSante(string dataFile = "annuaire-dataset.json")
    {
        var bundle = JsonNode.Parse(File.ReadAllText(DataPath(dataFile)))!.AsObject();
        _resources = bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).ToList();
    }

    /// <summary>Answers a request before the fake server does (errors, fixed pages); null lets the server answer.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Intercept { get; set; }

    /// <summary>Runs before each answer, with the request's cancellation token (to simulate a slow server).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task>? BeforeAnswer { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static string DataPath(string file)
    {
        // Test data stays next to the tests: walk up from the output folder to the test project.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Directory", "Fhir", "Data", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"Test data {file} not found above {AppContext.BaseDirectory}.");
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/fhir+json") };

    public static HttpResponseMessage DataFile(string file) => Json(HttpStatusCode.OK, File.ReadAllText(DataPath(file)));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues("ESANTE-API-KEY", out var values) ? string.Join(",", values) : null;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.RequestUri!, key, request.Headers.Accept.ToString()));
        }
        if (BeforeAnswer is { } before)
        {
            await before(request, cancellationToken);
        }
        if (Intercept?.Invoke(request) is { } intercepted)
        {
            return intercepted;
        }
        if (key != ApiKey)
        {
            return Json(HttpStatusCode.Unauthorized, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"security","diagnostics":"Invalid API key"}]}""");
        }
        return Search(request.RequestUri!);
    }

    private HttpResponseMessage Search(Uri uri)
    {
        var path = uri.AbsolutePath.TrimEnd('/');
        var type = path[(path.LastIndexOf('/') + 1)..];
        if (type is not ("Practitioner" or "PractitionerRole" or "Organization") || !uri.AbsoluteUri.StartsWith(BaseAddress, StringComparison.Ordinal))
        {
            return Json(HttpStatusCode.NotFound, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}""");
        }
        var parameters = ParseQuery(uri.Query);
        var count = 50;
        var offset = 0;
        var includes = new List<string>();
        var revIncludes = new List<string>();
        var matches = _resources.Where(r => (string?)r["resourceType"] == type).ToList();
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_count":
                    count = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "_getpagesoffset":
                    offset = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "_include":
                    includes.Add(value);
                    break;
                case "_revinclude":
                    revIncludes.Add(value);
                    break;
                default:
                    if (Filter(type, name) is not { } filter)
                    {
                        return Json(HttpStatusCode.BadRequest, $$"""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported","diagnostics":"Unknown search parameter {{name}}"}]}""");
                    }
                    var alternatives = SplitOr(value);
                    matches = matches.Where(r => alternatives.Any(a => filter(r, a))).ToList();
                    break;
            }
        }
        var page = matches.Skip(offset).Take(count).ToList();
        var entries = new JsonArray();
        foreach (var resource in page)
        {
            entries.Add(Entry(resource, "match"));
        }
        var included = new List<JsonObject>();
        foreach (var include in includes)
        {
            var property = include switch
            {
                "PractitionerRole:practitioner" => "practitioner",
                "PractitionerRole:organization" => "organization",
                _ => null,
            };
            if (type != "PractitionerRole" || property is null)
            {
                return Json(HttpStatusCode.BadRequest, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported"}]}""");
            }
            included.AddRange(page.Select(r => Resolve((string?)r[property]?["reference"])).OfType<JsonObject>());
        }
        foreach (var revInclude in revIncludes)
        {
            var property = (type, revInclude) switch
            {
                ("Practitioner", "PractitionerRole:practitioner") => "practitioner",
                ("Organization", "PractitionerRole:organization") => "organization",
                _ => null,
            };
            if (property is null)
            {
                return Json(HttpStatusCode.BadRequest, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported"}]}""");
            }
            var keys = page.Select(r => $"{type}/{r["id"]}").ToHashSet();
            included.AddRange(_resources.Where(r => (string?)r["resourceType"] == "PractitionerRole" && keys.Contains((string?)r[property]?["reference"] ?? "")));
        }
        foreach (var resource in included.Distinct())
        {
            entries.Add(Entry(resource, "include"));
        }
        var self = uri.AbsoluteUri;
        var links = new JsonArray { new JsonObject { ["relation"] = "self", ["url"] = self } };
        if (offset + count < matches.Count)
        {
            var next = string.Join('&', parameters.Where(p => p.Name != "_getpagesoffset").Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)))
                + "&_getpagesoffset=" + (offset + count).ToString(CultureInfo.InvariantCulture);
            links.Add(new JsonObject { ["relation"] = "next", ["url"] = BaseAddress + type + "?" + next });
        }
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["id"] = Guid.NewGuid().ToString(),
            ["meta"] = new JsonObject { ["lastUpdated"] = "2025-11-05T10:00:00.000+01:00" },
            ["type"] = "searchset",
            ["total"] = matches.Count,
            ["link"] = links,
            ["entry"] = entries,
        };
        return Json(HttpStatusCode.OK, bundle.ToJsonString());
    }

    private static JsonObject Entry(JsonObject resource, string mode) => new()
    {
        ["fullUrl"] = $"{BaseAddress}{resource["resourceType"]}/{resource["id"]}",
        ["resource"] = resource.DeepClone(),
        ["search"] = new JsonObject { ["mode"] = mode },
    };

    private JsonObject? Resolve(string? reference) =>
        reference is null ? null : _resources.FirstOrDefault(r => $"{r["resourceType"]}/{r["id"]}" == reference);

    /// <summary>The documented search parameters of the API v2, with FHIR string semantics (case and accents ignored).</summary>
    private static Func<JsonObject, string, bool>? Filter(string type, string name) => (type, name) switch
    {
        (_, "_id") => (r, v) => (string?)r["id"] == v,
        (_, "identifier") => (r, v) => Identifiers(r).Any(i => v.Contains('|', StringComparison.Ordinal) ? $"{i.System}|{i.Value}" == v : i.Value == v),
        (_, "mailbox-mss:contains") => (r, v) => Emails(r).Any(e => Fold(e).Contains(Fold(v), StringComparison.Ordinal)),
        (_, "mailbox-mss:exact") => (r, v) => Emails(r).Any(e => e == v),
        (_, "mailbox-mss") => (r, v) => Emails(r).Any(e => Fold(e).StartsWith(Fold(v), StringComparison.Ordinal)),
        ("Practitioner", "family:contains") => (r, v) => Names(r, "family").Any(n => Fold(n).Contains(Fold(v), StringComparison.Ordinal)),
        ("Practitioner", "given:contains") => (r, v) => Names(r, "given").Any(n => Fold(n).Contains(Fold(v), StringComparison.Ordinal)),
        ("Practitioner", "family") => (r, v) => Names(r, "family").Any(n => Fold(n).StartsWith(Fold(v), StringComparison.Ordinal)),
        ("Practitioner", "given") => (r, v) => Names(r, "given").Any(n => Fold(n).StartsWith(Fold(v), StringComparison.Ordinal)),
        ("Practitioner", "name:contains") => (r, v) => Names(r, "family", "given", "prefix", "suffix").Any(n => Fold(n).Contains(Fold(v), StringComparison.Ordinal)),
        ("Organization", "name:contains") => (r, v) => Fold((string?)r["name"]).Contains(Fold(v), StringComparison.Ordinal),
        ("Organization", "name") => (r, v) => Fold((string?)r["name"]).StartsWith(Fold(v), StringComparison.Ordinal),
        ("Organization", "address-city") => (r, v) => Addresses(r, "city").Any(c => Fold(c).StartsWith(Fold(v), StringComparison.Ordinal)),
        ("Organization", "address-postalcode") => (r, v) => Addresses(r, "postalCode").Any(c => Fold(c).StartsWith(Fold(v), StringComparison.Ordinal)),
        _ => null,
    };

    private static IEnumerable<(string? System, string? Value)> Identifiers(JsonObject r) =>
        r["identifier"]?.AsArray().Select(i => ((string?)i!["system"], (string?)i["value"])) ?? [];

    private static IEnumerable<string> Emails(JsonObject r) =>
        r["telecom"]?.AsArray().Where(t => (string?)t!["system"] == "email").Select(t => (string)t!["value"]!) ?? [];

    private static IEnumerable<string> Names(JsonObject r, params string[] parts) =>
        r["name"]?.AsArray().SelectMany(n => parts.SelectMany(p => n![p] switch
        {
            JsonArray array => array.Select(x => (string?)x).OfType<string>(),
            JsonValue value => [(string)value!],
            _ => [],
        })) ?? [];

    private static IEnumerable<string> Addresses(JsonObject r, string part) =>
        r["address"]?.AsArray().Select(a => (string?)a![part]).OfType<string>() ?? [];

    private static string Fold(string? s)
    {
        var d = (s ?? "").Normalize(NormalizationForm.FormD);
        return new string(d.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray()).ToLowerInvariant();
    }

    /// <summary>The query's parameters, decoded, in order.</summary>
    public static List<(string Name, string Value)> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : ""))
            .ToList();

    /// <summary>FHIR OR values: split on commas not escaped by a backslash, then unescape.</summary>
    private static List<string> SplitOr(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Append(value[++i]);
            }
            else if (value[i] == ',')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(value[i]);
            }
        }
        parts.Add(current.ToString());
        return parts;
    }
}

/// <summary>One request the fake API received.</summary>
internal sealed record RecordedRequest(Uri Uri, string? ApiKey, string Accept)
{
    public string ResourceType => Uri.AbsolutePath.TrimEnd('/')[(Uri.AbsolutePath.TrimEnd('/').LastIndexOf('/') + 1)..];

    public List<(string Name, string Value)> Parameters => FakeAnnuaireSante.ParseQuery(Uri.Query);

    public string? this[string name] => Parameters.Where(p => p.Name == name).Select(p => p.Value).FirstOrDefault();
}
