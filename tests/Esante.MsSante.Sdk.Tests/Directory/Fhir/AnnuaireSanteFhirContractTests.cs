using Esante.MsSante.Directory;

namespace Esante.MsSante.Tests.Directory.Fhir;

/// <summary>
/// The directory search contract over <see cref="AnnuaireSanteFhirDirectory"/>, backed by the fake API serving the same data set
/// as FHIR resources (Data/annuaire-dataset.json), with small pages so that every search also follows <c>next</c> links.
/// </summary>
public sealed class AnnuaireSanteFhirContractTests : DirectorySearchContract, IDisposable
{
    private readonly FakeAnnuaireSante _api = new();
    private readonly HttpClient _http;

    public AnnuaireSanteFhirContractTests()
    {
        _http = new HttpClient(_api);
        Directory = new AnnuaireSanteFhirDirectory(_http, new AnnuaireSanteFhirOptions { ApiKey = FakeAnnuaireSante.ApiKey, PageSize = 2, MaxPages = 10 });
    }

    protected override IDirectorySearch Directory { get; }

    public void Dispose() => _http.Dispose();
}
