using Xunit.Abstractions;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>
/// The fuzzing suite (issue 9, suite 3): every reader of remote or file input gets <c>FUZZ_INPUTS</c> generated and mutated
/// inputs (10,000 in CI; 1,000,000 in the long run recorded in benchmarks/RELIABILITY.md). Each gives a result or one of the
/// reader's documented exceptions, within a time bound and without the heap growing for good.
/// </summary>
[Collection(nameof(ReaderFuzzTests))]
[CollectionDefinition(nameof(ReaderFuzzTests), DisableParallelization = true)]
public sealed class ReaderFuzzTests(ITestOutputHelper output)
{
    private void Fuzz(string reader)
    {
        var report = FuzzRunner.Run(FuzzTargets.Named(reader));
        output.WriteLine(report.Describe());
        Assert.True(report.Inputs >= FuzzRunner.Inputs, $"Only {report.Inputs} inputs ran.\n{report.Describe()}");
        Assert.True(report.Failures.Count == 0, report.Describe());
    }

    [Fact] public void Extraction_file() => Fuzz("ExtractionFile");
    [Fact] public void Mbox_import() => Fuzz("MboxImport");
    [Fact] public void Zip_import() => Fuzz("ZipImport");
    [Fact] public void Xdm_archive() => Fuzz("XdmArchive");
    [Fact] public void Xdm_metadata() => Fuzz("XdmMetadata");
    [Fact] public void Mdn_and_dsn_reading() => Fuzz("MdnDsnReading");
    [Fact] public void VCard() => Fuzz("VCard");
    [Fact] public void Whitelist() => Fuzz("Whitelist");
    [Fact] public void ManageSieve_responses() => Fuzz("ManageSieve");
    [Fact] public void Sieve_rules_script() => Fuzz("SieveRulesScript");
    [Fact] public void Mailbox_settings() => Fuzz("MailboxSettings");
    [Fact] public void Psc_token_response() => Fuzz("PscTokenResponse");
    [Fact] public void Psc_userinfo() => Fuzz("PscUserInfo");
    [Fact] public void Psc_jwks() => Fuzz("PscJwks");
    [Fact] public void Psc_id_token() => Fuzz("PscIdToken");
    [Fact] public void Psc_id_token_claims() => Fuzz("PscIdTokenClaims");
    [Fact] public void Fhir_bundle() => Fuzz("FhirBundle");

    [Fact]
    public void Every_reader_has_its_test()
    {
        var tested = typeof(ReaderFuzzTests).GetMethods().Count(m => m.GetCustomAttributes(typeof(FactAttribute), false).Length > 0) - 1;
        Assert.Equal(FuzzTargets.All.Count, tested);
    }
}
