
namespace Esante.MsSante;

/// <summary>Builds the policies from the options.</summary>
internal static class MssantePoliciesFactory
{
    public static MssantePolicies Create(MssanteOptions options, TrustSpace? trustSpace = null) => new(
        new AttachmentLimitPolicy(options.MaxAttachmentBytes),
        new AddressValidationPolicy(trustSpace ?? CreateTrustSpace(options), options.AllowPatientRecipients),
        new RetentionPolicy(options.TrashRetention, new Dictionary<string, RetentionPeriod>(options.FolderRetention)),
        new PatientRoutingPolicy(options.PatientFolderName))
    {
        RefuseTestPatients = options.IsProduction,
    };

    /// <summary>The trust space seeded with the whitelisted domains of the options.</summary>
    public static TrustSpace CreateTrustSpace(MssanteOptions options) => new(new TrustedDomainList(options.WhitelistedDomains));
}
