using Esante.MsSante.Addressing;
using Esante.MsSante.Policies;

namespace Esante.MsSante.DependencyInjection;

/// <summary>Builds the policies from the options.</summary>
internal static class MssantePoliciesFactory
{
    public static MssantePolicies Create(MssanteOptions options) => new(
        new AttachmentLimitPolicy(options.MaxAttachmentBytes),
        new AddressValidationPolicy(new TrustedDomainList(options.WhitelistedDomains), options.AllowPatientRecipients),
        new RetentionPolicy(options.TrashRetention, new Dictionary<string, RetentionPeriod>(options.FolderRetention)),
        new PatientRoutingPolicy(options.PatientFolderName));
}
