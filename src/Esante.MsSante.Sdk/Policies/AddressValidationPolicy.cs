
namespace Esante.MsSante;

/// <summary>
/// Decides whether an address may receive an MSSanté message: it must be a single valid mailbox in the trust space
/// (« le destinataire doit détenir une adresse MSSanté »), and a patient address must carry a valid INS matricule.
/// </summary>
public sealed class AddressValidationPolicy
{
    private readonly TrustSpace _trustSpace;

    /// <summary>Creates the policy over the default trust space (<see cref="TrustedDomainList.Default"/>), patients allowed.</summary>
    public AddressValidationPolicy()
        : this(new TrustSpace(null), allowPatientRecipients: true)
    {
    }

    /// <summary>Creates the policy over a fixed trust space.</summary>
    /// <param name="trustedDomains">The trust space; <see cref="TrustedDomainList.Default"/> when null.</param>
    /// <param name="allowPatientRecipients">Whether patients (<c>@patient.mssante.fr</c>) may be written to.</param>
    public AddressValidationPolicy(TrustedDomainList? trustedDomains, bool allowPatientRecipients)
        : this(new TrustSpace(trustedDomains), allowPatientRecipients)
    {
    }

    /// <summary>Creates the policy over a trust space whose whitelist may be reloaded.</summary>
    /// <param name="trustSpace">The trust space, read at each decision.</param>
    /// <param name="allowPatientRecipients">Whether patients (<c>@patient.mssante.fr</c>) may be written to.</param>
    public AddressValidationPolicy(TrustSpace trustSpace, bool allowPatientRecipients)
    {
        _trustSpace = trustSpace ?? throw new ArgumentNullException(nameof(trustSpace));
        AllowPatientRecipients = allowPatientRecipients;
    }

    /// <summary>The trust space recipients must belong to, now.</summary>
    public TrustedDomainList TrustedDomains => _trustSpace.Current;

    /// <summary>Whether patients may be written to.</summary>
    public bool AllowPatientRecipients { get; }

    /// <summary>Checks a typed address, for example one parsed earlier against another trust space.</summary>
    /// <param name="address">The address.</param>
    /// <param name="target">What the address is, for the violation (e.g. "recipient 2"); never the address itself.</param>
    public IReadOnlyList<PolicyViolation> Evaluate(MssanteAddress address, string target)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Evaluate(address.Value, target, out _);
    }

    /// <summary>Checks an address typed by a person or read from another system.</summary>
    /// <param name="candidate">The text of the address.</param>
    /// <param name="target">What the address is, for the violation (e.g. "recipient 2"); never the address itself.</param>
    /// <param name="address">The parsed address, when allowed.</param>
    public IReadOnlyList<PolicyViolation> Evaluate(string? candidate, string target, out MssanteAddress? address)
    {
        address = null;
        var syntaxError = MssanteAddress.CheckSyntax(candidate, out _, out var domain);
        if (syntaxError is not null)
        {
            return [new PolicyViolation(PolicyViolationCodes.RecipientMalformed, syntaxError, target)];
        }
        var trustedDomains = TrustedDomains;
        if (!trustedDomains.Contains(domain!))
        {
            return
            [
                new PolicyViolation(
                    PolicyViolationCodes.RecipientOutsideTrustSpace,
                    $"'{domain}' is not an MSSanté domain: MSSanté messages go only to addresses ending with '.{TrustedDomainList.MssanteParentDomain}' or on a whitelisted domain.",
                    target),
            ];
        }
        if (domain == MssanteAddress.PatientDomain && !AllowPatientRecipients)
        {
            return [new PolicyViolation(PolicyViolationCodes.PatientRecipientNotAllowed, "writing to patients is not allowed by this application's configuration.", target)];
        }
        if (!MssanteAddress.TryParse(candidate, trustedDomains, out address, out var error))
        {
            return [new PolicyViolation(PolicyViolationCodes.PatientAddressInvalid, error, target)];
        }
        return [];
    }
}
