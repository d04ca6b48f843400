using System.Text;
using System.IO.Compression;
using System.Net;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Operators.Imap;
using MimeKit;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>
/// Each crash the fuzzing suite found, with the smallest input that showed it: every one threw an exception its reader does
/// not document before it was fixed.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static async Task<Exception?> Outcome(string reader, string input, FuzzOutcome expected)
    {
        var (outcome, error) = await FuzzTargets.Named(reader).ClassifyAsync(Encoding.UTF8.GetBytes(input));
        Assert.True(outcome == expected, $"{reader}: {outcome} instead of {expected}: {error}");
        return error;
    }

    [Fact]
    public async Task A_whitelist_whose_declaration_XmlReader_cannot_read_is_a_format_error_that_quotes_nothing()
    {
        var bytes = Convert.FromBase64String("PD94bWwgdmVyc2lvbj0iMS4wVvMiIGVuY29kaW5nPSJVVEYtOCI/Pg==");
        var e = await Assert.ThrowsAsync<FormatException>(() => TrustSpace.ParseWhitelistAsync(new MemoryStream(bytes)));
        Assert.DoesNotContain("1.0V", e.Message, StringComparison.Ordinal);
        // The same declaration in an XDM archive's METADATA.XML: the archive is refused as unreadable.
        var (outcome, error) = await FuzzTargets.Named("XdmMetadata").ClassifyAsync(FuzzTargets.Named("XdmMetadata").Structured!(bytes));
        Assert.True(outcome == FuzzOutcome.Refused, $"{outcome}: {error}");
    }

    [Fact]
    public async Task Whitelist_errors_do_not_copy_the_document()
    {
        var e = await Assert.ThrowsAsync<FormatException>(() => TrustSpace.ParseWhitelistAsync(new MemoryStream(Encoding.UTF8.GetBytes("<ListeBlanche><Domaine><patient-279035121518989></ListeBlanche>"))));
        Assert.DoesNotContain("279035121518989", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adjacent_Nom_elements_are_all_read_and_a_Nom_outside_a_Domaine_is_not()
    {
        const string xml = "<ListeBlanche><Domaine><Nom>a.example.fr</Nom><Nom>b.example.fr</Nom><Nom>c.example.fr</Nom></Domaine><Nom>evil.example.fr</Nom><Autre><Nom>evil2.example.fr</Nom></Autre><Domaine><Nom>d.example.fr</Nom></Domaine></ListeBlanche>";
        var list = await TrustSpace.ParseWhitelistAsync(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal(["a.example.fr", "b.example.fr", "c.example.fr", "d.example.fr"], list.WhitelistedDomains.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_mbox_ending_with_a_From_line_after_an_empty_message_is_read() =>
        await Outcome("MboxImport", "From \n\nFrom ", FuzzOutcome.Result);

    [Fact]
    public void A_read_receipt_whose_notification_fields_do_not_parse_is_no_report()
    {
        var bytes = Encoding.ASCII.GetBytes("n:\nContent-Type:multipart/report;report-type=disposition-notification;boundary=b\n\n--b\nContent-Type:message/disposition-notification\n\nr");
        using var message = MimeMessage.Load(new MemoryStream(bytes));
        var received = new ReceivedMessage(new MessageInfo { Ref = new MessageRef("INBOX", 1, 1) }, message);
        Assert.Null(received.DispositionReport);
    }

    [Fact]
    public async Task A_ManageSieve_capability_named_twice_keeps_its_first_value()
    {
        var client = new ManageSieveClient(new MemoryStream(Encoding.ASCII.GetBytes("\"SASL\" \"PLAIN\"\r\n\"sasl\" \"X\"\r\n\"SIEVE\" \"fileinto\"\r\nOK\r\n")), TimeSpan.FromSeconds(5));
        await client.ReadGreetingAsync(CancellationToken.None);
        Assert.Equal("PLAIN", client.Capabilities["SASL"]);
        Assert.Contains("fileinto", client.SieveExtensions);
    }

    [Theory]
    // A string or a property name that escapes half a surrogate pair: parsed by System.Text.Json, unreadable after.
    [InlineData("PscTokenResponse", """{"access_token":"\ud800","token_type":"Bearer"}""")]
    [InlineData("PscTokenResponse", """{"access_token":"a","token_type":"Bearer","\udc00":1}""")]
    [InlineData("PscUserInfo", """{"sub":"\ud800"}""")]
    [InlineData("PscJwks", """{"keys":[{"kty":"\ud800"}]}""")]
    [InlineData("FhirBundle", """{"resourceType":"\ud800"}""")]
    [InlineData("FhirBundle", """{"resource\ud800":"","resourceType":"Bundle"}""")]
    // Keys that are not JSON Web Keys.
    [InlineData("PscJwks", """{"keys":[1]}""")]
    [InlineData("PscJwks", """{"keys":null,"keys":[]}""")]
    // Five parts, not base64url: neither a JWS nor a JWE.
    [InlineData("PscIdToken", "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enota2V5IiwidHlwIjoiSldUIn0.ZW5jcnlw0...e")]
    [InlineData("PscUserInfo", "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enota2V5IiwidHlwIjoiSldUIn0.e...\"")]
    public async Task Remote_JSON_and_tokens_that_are_not_valid_are_the_readers_own_errors(string reader, string input) =>
        await Outcome(reader, input, FuzzOutcome.Refused);

    [Theory]
    // An access token shaped like a JWT whose payload is not base64url: its expiry is unknown, not an error.
    [InlineData("""{"access_token":"eyJhbGciOiJub25lIn0.bm90IGpzb24.c","token_type":"Bearer"}""")]
    // A lifetime past year 9999.
    [InlineData("""{"access_token":"a","token_type":"Bearer","expires_in":9223372036854775807,"refresh_token":"r","refresh_expires_in":9223372036854775807}""")]
    public async Task Token_answers_with_odd_but_harmless_values_are_read(string input) =>
        await Outcome("PscTokenResponse", input, FuzzOutcome.Result);

    [Theory]
    [InlineData(253402300800L, null)] // exp in year 10000: the token does not expire before the clock does
    [InlineData(long.MaxValue, null)]
    [InlineData(1L, "expired")]
    [InlineData(long.MinValue, "expired")]
    public async Task ID_token_times_beyond_the_calendar_are_judged_not_thrown(long exp, string? refusal)
    {
        var claims = $$"""{"iss":"{{ProSanteConnectEndpoints.IntegrationIssuer}}","aud":"fuzz-client","sub":"s","exp":{{exp}},"iat":1795687200,"nonce":"n-0S6_WzA2Mj","acr":"eidas1"}""";
        var target = FuzzTargets.Named("PscIdTokenClaims");
        var (outcome, error) = await target.ClassifyAsync(target.Structured!(Encoding.UTF8.GetBytes(claims)));
        if (refusal is null)
        {
            Assert.True(outcome == FuzzOutcome.Result, $"{outcome}: {error}");
        }
        else
        {
            Assert.True(outcome == FuzzOutcome.Refused, $"{outcome}: {error}");
            Assert.Contains(refusal, error!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_ID_token_issued_after_year_9999_is_refused_as_issued_in_the_future()
    {
        var claims = $$"""{"iss":"{{ProSanteConnectEndpoints.IntegrationIssuer}}","aud":"fuzz-client","sub":"s","exp":253402300799,"iat":253402300799,"nbf":253402300799,"nonce":"n-0S6_WzA2Mj","acr":"eidas1"}""";
        var target = FuzzTargets.Named("PscIdTokenClaims");
        var (outcome, error) = await target.ClassifyAsync(target.Structured!(Encoding.UTF8.GetBytes(claims)));
        Assert.True(outcome == FuzzOutcome.Refused, $"{outcome}: {error}");
        Assert.Contains("future", error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_extraction_line_without_end_is_refused_instead_of_held_whole(bool zipped)
    {
        // Seen while reading the loader for the fuzzer (whose inputs stay under 1 MiB): the line buffer doubled without
        // bound, so a zip of a few hundred KB expanding to one endless line could take all the memory.
        var text = new MemoryStream();
        text.Write(Encoding.UTF8.GetBytes(ExtractionColumns.HeaderLine + "\n"));
        text.Write(Enumerable.Repeat((byte)'A', 4 * ExtractionFileLoader.MaxLineBytes).ToArray());
        text.Position = 0;
        var input = text;
        if (zipped)
        {
            input = new MemoryStream();
            using (var zip = new ZipArchive(input, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = zip.CreateEntry("Extraction_Correspondance_MSSante.txt").Open();
                text.CopyTo(entry);
            }
            input.Position = 0;
        }
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFileLoader.ReadAsync(input));
        Assert.Contains("longer than 1 MiB", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A body of <paramref name="length"/> bytes made as it is read: JSON that is valid, its padding as long as asked.</summary>
    private sealed class PaddedJsonStream(string head, string tail, long length) : Stream
    {
        private readonly byte[] _head = Encoding.ASCII.GetBytes(head);
        private readonly byte[] _tail = Encoding.ASCII.GetBytes(tail);

        public long Sent { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && Sent < length)
            {
                var tailStart = length - _tail.Length;
                buffer[offset + n] = Sent < _head.Length ? _head[Sent] : Sent >= tailStart ? _tail[Sent - tailStart] : (byte)'a';
                n++;
                Sent++;
            }
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class StreamHandler(Stream body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    [Fact]
    public async Task A_FHIR_page_without_end_is_refused_after_a_bounded_read()
    {
        // Valid JSON of 96 MiB: read whole before, it made a page (and held its bytes several times over).
        var body = new PaddedJsonStream("{\"resourceType\":\"Bundle\",\"pad\":\"", "\",\"entry\":[]}", 96L * 1024 * 1024);
        var directory = new AnnuaireSanteFhirDirectory(new HttpClient(new StreamHandler(body, "application/fhir+json")), new AnnuaireSanteFhirOptions { ApiKey = "k" });
        var e = await Assert.ThrowsAsync<DirectorySourceException>(() => directory.SearchAsync(new DirectoryQuery { LastName = "Dupont" }));
        Assert.Contains("larger than 64 MiB", e.Message, StringComparison.Ordinal);
        Assert.True(body.Sent <= AnnuaireSanteFhirDirectory.MaxBundleBytes + 64 * 1024, $"{body.Sent} bytes read");
    }

    [Fact]
    public async Task A_Pro_Sante_Connect_answer_without_end_is_refused_after_a_bounded_read()
    {
        var body = new PaddedJsonStream("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"pad\":\"", "\"}", 8L * 1024 * 1024);
        var options = new ProSanteConnectOptions
        {
            Environment = ProSanteConnectEnvironment.Integration, ClientId = "c", ClientSecret = "s-0123456789", RedirectUri = new Uri("https://dpi.example.fr/cb"),
        };
        var http = new HttpClient(new StreamHandler(body, "application/json"));
        var provider = new ProSanteConnectProvider(() => http, options, TimeProvider.System);
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => provider.RedeemCodeAsync("code", "verifier", CancellationToken.None));
        Assert.Equal(ProSanteConnectFailure.InvalidResponse, e.Failure);
        Assert.True(body.Sent <= ProSanteConnectProvider.MaxAnswerBytes + 64 * 1024, $"{body.Sent} bytes read");
    }

    [Theory]
    [InlineData("[{}]")] // a tag without a name: MessageTag's constructor threw ArgumentNullException
    [InlineData("{\"signatures\":null}")]
    [InlineData("{\"signatures\":[null]}")]
    [InlineData("{\"signatures\":[{\"name\":\"a\"}]}")]
    public async Task A_mailbox_setting_with_members_missing_is_not_what_the_SDK_writes(string json)
    {
        var settings = new Esante.MsSante.MailboxSettings(FuzzTargets.SettingsStore.Create(json), TimeProvider.System, new Esante.MsSante.KeyedGate<string>());
        if (json.StartsWith('['))
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => settings.GetTagsAsync(CancellationToken.None));
        }
        else
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => settings.GetSignaturesAsync(CancellationToken.None));
        }
    }
}
