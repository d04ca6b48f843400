using System.Net;
using System.Net.Http.Headers;
using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Time.Testing;

namespace Esante.MsSante.Tests.Directory.Fhir;

public sealed class AnnuaireSanteFhirDirectoryTests : IDisposable
{
    private readonly FakeAnnuaireSante _api = new();
    private readonly HttpClient _http;

    public AnnuaireSanteFhirDirectoryTests() => _http = new HttpClient(_api);

    public void Dispose() => _http.Dispose();

    private AnnuaireSanteFhirDirectory Directory(Action<AnnuaireSanteFhirOptions>? configure = null)
    {
        var options = new AnnuaireSanteFhirOptions { ApiKey = FakeAnnuaireSante.ApiKey };
        configure?.Invoke(options);
        return new AnnuaireSanteFhirDirectory(_http, options);
    }

    private static (string Name, string Value)[] Parameters(RecordedRequest request, params string[] except) =>
        [.. request.Parameters.Where(p => !except.Contains(p.Name))];

    // ---- Requests ----

    [Fact]
    public async Task Names_search_practitioners_with_their_roles_and_send_the_key_header()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal", FirstName = "Adeline" });

        Assert.Equal(DirectorySearchContract.Goudal, Assert.Single(page.Entries).Address.Value);
        var first = _api.Requests[0];
        Assert.StartsWith(FakeAnnuaireSante.BaseAddress + "Practitioner?", first.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(
            [("family:contains", "Goudal"), ("given:contains", "Adeline"), ("_revinclude", "PractitionerRole:practitioner"), ("_count", "50")],
            Parameters(first));
        // The structure of the role is read by id.
        var second = _api.Requests[1];
        Assert.Equal("Organization", second.ResourceType);
        Assert.Equal("org-440000289", second["_id"]);
        Assert.All(_api.Requests, r => Assert.Equal(FakeAnnuaireSante.ApiKey, r.ApiKey));
        Assert.All(_api.Requests, r => Assert.Contains("application/fhir+json", r.Accept, StringComparison.Ordinal));
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task A_partial_email_is_searched_by_contains_on_every_kind_of_holder()
    {
        await Directory().SearchAsync(new DirectoryQuery { Email = "goudal" });

        Assert.Equal(["Practitioner", "PractitionerRole", "Organization"], _api.Requests.Select(r => r.ResourceType));
        Assert.All(_api.Requests, r => Assert.Equal("goudal", r["mailbox-mss:contains"]));
        Assert.Equal(
            [("mailbox-mss:contains", "goudal"), ("_include", "PractitionerRole:practitioner"), ("_include", "PractitionerRole:organization"), ("_count", "50")],
            Parameters(_api.Requests[1]));
    }

    [Fact]
    public async Task A_full_address_is_searched_exactly_in_lower_case()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Email = "Jean-Baptiste.Santoni@CH-Ajaccio.mssante.fr" });

        Assert.Equal(DirectorySearchContract.Santoni, Assert.Single(page.Entries).Address.Value);
        Assert.Contains(_api.Requests, r => r["mailbox-mss:exact"] == DirectorySearchContract.Santoni);
        Assert.DoesNotContain(_api.Requests, r => r["mailbox-mss:contains"] is not null);
    }

    [Theory]
    [InlineData("810007612343", "urn:oid:1.2.250.1.71.4.2.1|810007612343,https://rpps.esante.gouv.fr|10007612343")]
    [InlineData("10007612343", "urn:oid:1.2.250.1.71.4.2.1|810007612343,https://rpps.esante.gouv.fr|10007612343")]
    [InlineData("0449612345", "urn:oid:1.2.250.1.71.4.2.1|0449612345,https://adeli.esante.gouv.fr|449612345")]
    [InlineData("449612345", "urn:oid:1.2.250.1.71.4.2.1|0449612345,https://adeli.esante.gouv.fr|449612345")]
    public async Task Identifiers_are_searched_with_the_national_id_and_the_registers_system(string criterion, string expected)
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Identifier = criterion });

        Assert.Single(page.Entries);
        Assert.Equal(expected, _api.Requests[0]["identifier"]);
        Assert.Equal("Practitioner", _api.Requests[0].ResourceType);
    }

    [Fact]
    public async Task An_identifier_that_is_no_rpps_or_adeli_matches_nothing_without_asking_the_api()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Identifier = "10007612344" }); // wrong check digit

        Assert.Empty(page.Entries);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Structure_city_and_postal_code_search_organizations_with_their_roles()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Organization = "CHU", City = "Nantes", PostalCode = "44093" });

        Assert.Equal(4, page.TotalCount);
        var search = _api.Requests[0];
        Assert.Equal("Organization", search.ResourceType);
        Assert.Equal(
            [("name:contains", "CHU"), ("address-city", "Nantes"), ("address-postalcode", "44093"), ("_revinclude", "PractitionerRole:organization"), ("_count", "50")],
            Parameters(search));
        // The persons of the roles are read by id, in one request.
        Assert.Equal("Practitioner", _api.Requests[1].ResourceType);
        Assert.Equal("pra-0449612345,pra-810000987650,pra-810003456125", _api.Requests[1]["_id"]);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task A_department_number_narrows_by_postal_code_and_corsica_by_20()
    {
        await Directory().SearchAsync(new DirectoryQuery { Department = "44" });
        await Directory().SearchAsync(new DirectoryQuery { Department = "2A" });

        var organizationSearches = _api.Requests.Where(r => r.ResourceType == "Organization" && r["_id"] is null).ToList();
        Assert.Equal(["44", "20"], organizationSearches.Select(r => r["address-postalcode"]));
    }

    [Fact]
    public async Task Text_searches_person_names_structure_names_and_cities_by_its_longest_word()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Text = "santoni ajac" });

        Assert.Equal(DirectorySearchContract.Santoni, Assert.Single(page.Entries).Address.Value);
        var searches = _api.Requests.Where(r => r["_id"] is null).ToList();
        Assert.Equal("santoni", searches[0]["name:contains"]);
        Assert.Equal("Practitioner", searches[0].ResourceType);
        Assert.Equal(("Organization", "santoni"), (searches[1].ResourceType, searches[1]["name:contains"]));
        Assert.Equal(("Organization", "santoni"), (searches[2].ResourceType, searches[2]["address-city"]));
    }

    [Fact]
    public async Task Search_values_escape_the_fhir_separators()
    {
        await Directory().SearchAsync(new DirectoryQuery { Email = "a,b|c" });

        Assert.Equal("a\\,b\\|c", _api.Requests[0]["mailbox-mss:contains"]);
    }

    // ---- Mapping ----

    [Fact]
    public async Task Every_field_of_every_mailbox_is_read_and_the_red_list_and_plain_emails_are_skipped()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Email = "mssante", Take = 100 });

        var expected = DirectorySearchContract.DataSet.ToDictionary(e => e.Address.Value);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), page.Entries.Select(e => e.Address.Value).Order(StringComparer.Ordinal));
        foreach (var entry in page.Entries)
        {
            var want = expected[entry.Address.Value];
            Assert.Equal(want.AddressLines, entry.AddressLines);
            Assert.Equal(want with { AddressLines = entry.AddressLines }, entry);
        }
        Assert.DoesNotContain(page.Entries, e => e.Address.Value == DirectorySearchContract.RedListed);
        Assert.DoesNotContain(page.Entries, e => e.Address.Value.Contains("@chu-nantes.fr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mailbox_types_become_mailbox_kinds()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Email = "mssante", Take = 100 });

        var kinds = page.Entries.ToDictionary(e => e.Address.Value, e => e.MailboxKind);
        Assert.Equal(MailboxKind.Personal, kinds[DirectorySearchContract.Goudal]);
        Assert.Equal(MailboxKind.Organisational, kinds[DirectorySearchContract.CardiologySecretariat]);
        Assert.Equal(MailboxKind.Applicative, kinds[DirectorySearchContract.ChuSoftware]);
        Assert.Equal(MailboxKind.Practice, kinds[DirectorySearchContract.LecaPractice]);
    }

    [Fact]
    public async Task An_address_found_by_several_searches_is_returned_once()
    {
        var page = await Directory().SearchAsync(new DirectoryQuery { Text = "nantes" });

        Assert.Equal(page.Entries.Count, page.Entries.Select(e => e.Address).Distinct().Count());
        Assert.Equal(5, page.TotalCount);
    }

    // ---- Paging ----

    [Fact]
    public async Task Next_links_are_followed_until_the_last_page()
    {
        var page = await Directory(o => o.PageSize = 1).SearchAsync(new DirectoryQuery { City = "Nantes" });

        Assert.Equal(5, page.TotalCount);
        var organizationPages = _api.Requests.Where(r => r.ResourceType == "Organization").ToList();
        Assert.Equal(2, organizationPages.Count);
        Assert.Null(organizationPages[0]["_getpagesoffset"]);
        Assert.Equal("1", organizationPages[1]["_getpagesoffset"]);
        Assert.All(organizationPages, r => Assert.Equal("1", r["_count"]));
    }

    [Fact]
    public async Task At_most_MaxPages_pages_are_read_per_search()
    {
        var page = await Directory(o => { o.PageSize = 1; o.MaxPages = 1; }).SearchAsync(new DirectoryQuery { City = "Nantes", MailboxKind = MailboxKind.Organisational });

        Assert.Single(_api.Requests);
        Assert.Equal(1, page.TotalCount);
    }

    [Fact]
    public async Task A_next_link_to_another_server_is_not_followed()
    {
        _api.Intercept = request => request.RequestUri!.Query.Contains("_getpagesoffset", StringComparison.Ordinal)
            ? null
            : FakeAnnuaireSante.Json(HttpStatusCode.OK, """
                {"resourceType":"Bundle","type":"searchset","total":2,
                 "link":[{"relation":"next","url":"https://collector.example.org/fhir/v2/Organization?_getpagesoffset=1"}],
                 "entry":[]}
                """);

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { City = "Nantes", MailboxKind = MailboxKind.Organisational }));

        Assert.Contains("another server", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Uri.Host == "collector.example.org");
    }

    // ---- Failures ----

    [Fact]
    public async Task A_refused_key_says_to_check_the_key_without_showing_it()
    {
        var wrongKey = "wrong-secret-key-123";
        var directory = new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions { ApiKey = wrongKey });

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => directory.SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(wrongKey, _api.Requests[0].ApiKey);
    }

    [Fact]
    public async Task A_forbidden_answer_is_a_key_problem_too()
    {
        _api.Intercept = _ => new HttpResponseMessage(HttpStatusCode.Forbidden);

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains("refused the API key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rate_limit_reports_how_long_to_wait()
    {
        _api.Intercept = _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
            return response;
        };

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.True(ex.IsTransient);
        Assert.Contains("120 s", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dated_retry_after_is_read_against_the_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 11, 5, 10, 0, 0, TimeSpan.Zero));
        _api.Intercept = _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(30));
            return response;
        };

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory(o => o.TimeProvider = time).SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_server_failure_is_transient_and_says_to_try_later(HttpStatusCode status)
    {
        _api.Intercept = _ => FakeAnnuaireSante.Json(status, """{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]}""");

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(status, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("try", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("{\"resourceType\":\"Bundle\",\"entry\":[")]
    [InlineData("{\"resourceType\":\"OperationOutcome\",\"issue\":[]}")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_a_fhir_bundle_is_reported_as_such(string body)
    {
        _api.Intercept = _ => FakeAnnuaireSante.Json(HttpStatusCode.OK, body);

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Null(ex.StatusCode);
        Assert.Contains("FHIR JSON Bundle", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_search_is_not_transient()
    {
        _api.Intercept = _ => FakeAnnuaireSante.Json(HttpStatusCode.BadRequest, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}""");

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task A_slow_answer_times_out_with_a_clear_error()
    {
        var time = new FakeTimeProvider();
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _api.BeforeAnswer = async (_, ct) =>
        {
            answering.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        };
        var search = Directory(o => { o.Timeout = TimeSpan.FromSeconds(10); o.TimeProvider = time; }).SearchAsync(new DirectoryQuery { LastName = "Goudal" });
        await answering.Task;

        time.Advance(TimeSpan.FromSeconds(10));
        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => search);

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.True(ex.IsTransient);
        Assert.Contains("10 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_search_cancels_the_request()
    {
        using var cancel = new CancellationTokenSource();
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _api.BeforeAnswer = async (_, ct) =>
        {
            answering.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        };
        var search = Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }, cancel.Token);
        await answering.Task;

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
    }

    [Fact]
    public async Task An_unreachable_api_says_to_check_the_network()
    {
        _api.Intercept = _ => throw new HttpRequestException("Connection refused (gateway.api.esante.gouv.fr:443)");

        var ex = await Assert.ThrowsAsync<DirectorySourceException>(() => Directory().SearchAsync(new DirectoryQuery { LastName = "Goudal" }));

        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.True(ex.IsTransient);
        Assert.DoesNotContain(FakeAnnuaireSante.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    // ---- Options ----

    [Fact]
    public void The_options_default_to_the_production_api_version_2()
    {
        var options = new AnnuaireSanteFhirOptions();

        Assert.Equal("https://gateway.api.esante.gouv.fr/fhir/v2/", options.BaseUri.AbsoluteUri);
        Assert.Equal(50, options.PageSize);
    }

    [Fact]
    public void A_missing_key_or_a_plain_http_address_is_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions()));
        Assert.Throws<ArgumentException>(() => new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions { ApiKey = "k", BaseUri = new Uri("http://gateway.api.esante.gouv.fr/fhir/v2/") }));
        Assert.Throws<ArgumentException>(() => new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions { ApiKey = "k", PageSize = 0 }));
        Assert.Throws<ArgumentException>(() => new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions { ApiKey = "k", MaxPages = 0 }));
    }

    [Fact]
    public async Task A_base_address_without_trailing_slash_keeps_its_path()
    {
        await Directory(o => o.BaseUri = new Uri("https://gateway.api.esante.gouv.fr/fhir/v2")).SearchAsync(new DirectoryQuery { LastName = "Goudal" });

        Assert.StartsWith("https://gateway.api.esante.gouv.fr/fhir/v2/Practitioner?", _api.Requests[0].Uri.AbsoluteUri, StringComparison.Ordinal);
    }
}
