namespace Esante.MsSante;

/// <summary>The policies the services apply, as one object.</summary>
/// <param name="Attachments">The attachment size limit.</param>
/// <param name="Addresses">Which addresses may be written to.</param>
/// <param name="Retention">How long folders keep messages.</param>
/// <param name="PatientRouting">Where patients' messages are filed.</param>
public sealed record MssantePolicies(
    AttachmentLimitPolicy Attachments,
    AddressValidationPolicy Addresses,
    RetentionPolicy Retention,
    PatientRoutingPolicy PatientRouting)
{
    /// <summary>The regional operator's defaults: 15 MB, <c>*.mssante.fr</c>, Trash 30 days, « Échanges Patients ».</summary>
    public static MssantePolicies Default { get; } = new(new AttachmentLimitPolicy(), new AddressValidationPolicy(), new RetentionPolicy(), new PatientRoutingPolicy());

    /// <summary>
    /// Whether documents for a test or demonstration patient (INS OID <c>1.2.250.1.213.1.4.10</c> or <c>.11</c>) are
    /// refused: true in production (<c>MssanteOptions.IsProduction</c>), false by default.
    /// </summary>
    public bool RefuseTestPatients { get; init; }
}
