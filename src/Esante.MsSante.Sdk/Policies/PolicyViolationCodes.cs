namespace Esante.MsSante;

/// <summary>The stable codes of <see cref="PolicyViolation"/>. They never change meaning once released.</summary>
public static class PolicyViolationCodes
{
    /// <summary>The attachments of a message exceed the operator's total size limit (15 MB by default).</summary>
    public const string AttachmentsTooLarge = "MSS-ATTACHMENTS-TOO-LARGE";

    /// <summary>A recipient is not a syntactically valid single mailbox address.</summary>
    public const string RecipientMalformed = "MSS-RECIPIENT-MALFORMED";

    /// <summary>A recipient's domain is outside the MSSanté trust space.</summary>
    public const string RecipientOutsideTrustSpace = "MSS-RECIPIENT-OUTSIDE-TRUST-SPACE";

    /// <summary>A patient address does not carry a valid INS matricule.</summary>
    public const string PatientAddressInvalid = "MSS-PATIENT-ADDRESS-INVALID";

    /// <summary>Patient recipients are not allowed by the configuration.</summary>
    public const string PatientRecipientNotAllowed = "MSS-PATIENT-RECIPIENT-NOT-ALLOWED";

    /// <summary>The message has no recipient.</summary>
    public const string NoRecipient = "MSS-NO-RECIPIENT";

    /// <summary>A header value (subject, display name, file name…) contains a line break or a control character.</summary>
    public const string HeaderInjection = "MSS-HEADER-INJECTION";

    /// <summary>The software's product reference (X-MSS-NIL) is not configured.</summary>
    public const string ProductReferenceMissing = "MSS-PRODUCT-REFERENCE-MISSING";

    /// <summary>The message asks for a signature the mailbox does not have.</summary>
    public const string SignatureUnknown = "MSS-SIGNATURE-UNKNOWN";

    /// <summary>The message's XDM package lacks a document, a code, its source or its author.</summary>
    public const string XdmIncomplete = "MSS-XDM-INCOMPLETE";

    /// <summary>In production, the XDM package's patient is one of ANS's test or demonstration patients (INS OID .10 or .11).</summary>
    public const string TestPatientInProduction = "MSS-INS-TEST-IN-PRODUCTION";

    /// <summary>
    /// A warning, not a refusal: a PDF sent beside an XDM archive is not named <c>&lt;date&gt;_&lt;type&gt;_&lt;NOM&gt;_&lt;prénom&gt;_&lt;dossier&gt;.pdf</c>
    /// (ECO.2.1.6), or does not name the archive's patient.
    /// </summary>
    public const string PdfNameNotConventional = "MSS-PDF-NAME";
}
