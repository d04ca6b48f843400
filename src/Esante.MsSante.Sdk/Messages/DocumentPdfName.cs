using System.Globalization;
using System.Text;

namespace Esante.MsSante;

/// <summary>
/// The name of a document's PDF sent beside its IHE XDM archive (Ségur ECO.2.1.6):
/// <c>&lt;date&gt;_&lt;type&gt;_&lt;NOM&gt;_&lt;prénom&gt;_&lt;dossier&gt;.pdf</c>, e.g.
/// <c>20220531_CR_d_imagerie_medicale_MARTIN_Claire_123456.pdf</c> (ANS's volet example omits the record number).
/// </summary>
public static class DocumentPdfName
{
    /// <summary>
    /// Names a document's PDF: the date as <c>yyyyMMdd</c>, then the type, the family name in capitals, the first given name
    /// and the record number, joined by <c>_</c>; accents are dropped and any character other than a letter, a digit or
    /// <c>-</c> becomes <c>_</c>, so the name survives every mail client and file system.
    /// </summary>
    /// <param name="date">The document's date.</param>
    /// <param name="documentType">The document's type as people read it, e.g. « CR d'imagerie médicale ».</param>
    /// <param name="familyName">The patient's family name (birth name).</param>
    /// <param name="givenName">The patient's first given name.</param>
    /// <param name="recordNumber">The patient's record number (« dossier ») in the sending software; null when there is none.</param>
    /// <exception cref="ArgumentException">The type or a name is empty, or holds nothing but punctuation.</exception>
    public static string Create(DateOnly date, string documentType, string familyName, string givenName, string? recordNumber = null)
    {
        var parts = new List<string>
        {
            date.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            Segment(documentType, nameof(documentType)),
            Segment(familyName, nameof(familyName)).ToUpperInvariant(),
            Segment(givenName, nameof(givenName)),
        };
        if (!string.IsNullOrWhiteSpace(recordNumber))
        {
            parts.Add(Segment(recordNumber, nameof(recordNumber)));
        }
        return string.Join('_', parts) + ".pdf";
    }

    /// <summary>
    /// Whether a file name follows the convention: a real date <c>yyyyMMdd</c>, then at least a type, a family name and a
    /// given name, in letters, digits, <c>-</c> and <c>_</c> only, ending in <c>.pdf</c>.
    /// </summary>
    public static bool Follows(string? fileName)
    {
        if (fileName is null || !fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var segments = fileName[..^4].Split('_');
        return segments.Length >= 4 &&
            DateOnly.TryParseExact(segments[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) &&
            segments.Skip(1).All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    /// <summary>
    /// Warnings for the PDFs attached beside the message's XDM archive whose names do not follow the convention, or do not
    /// name the archive's patient (family name in capitals, then first given name): the message can still be sent, and
    /// <see cref="SubmissionResult.Warnings"/> carries them. Empty when the message has no XDM archive.
    /// </summary>
    /// <param name="message">The message to check.</param>
    /// <returns>One <see cref="PolicyViolationCodes.PdfNameNotConventional"/> warning per such PDF; its message holds no name.</returns>
    public static IReadOnlyList<PolicyViolation> Check(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Xdm is not { } xdm)
        {
            return [];
        }
        var warnings = new List<PolicyViolation>();
        var patient = xdm.Patient is null ? null : $"_{Fold(xdm.Patient.BirthName).ToUpperInvariant()}_{Fold(xdm.Patient.FirstGivenName)}";
        for (var i = 0; i < message.Attachments.Count; i++)
        {
            var attachment = message.Attachments[i];
            var isPdf = attachment.FileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ||
                attachment.ContentType.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase);
            if (!isPdf)
            {
                continue;
            }
            if (!Follows(attachment.FileName))
            {
                warnings.Add(new PolicyViolation(PolicyViolationCodes.PdfNameNotConventional,
                    "A PDF sent beside an XDM archive is named <date>_<type>_<NOM>_<prénom>_<dossier>.pdf (ECO.2.1.6): name it with DocumentPdfName.Create.",
                    $"attachment {i + 1}"));
            }
            else if (patient is not null && !attachment.FileName.Contains(patient, StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add(new PolicyViolation(PolicyViolationCodes.PdfNameNotConventional,
                    "The PDF's name does not give the XDM archive's patient (family name in capitals, then first given name, ECO.2.1.6): check it is this patient's document.",
                    $"attachment {i + 1}"));
            }
        }
        return warnings;
    }

    private static string Segment(string value, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameter);
        var folded = Fold(value);
        return folded.Length == 0 ? throw new ArgumentException("The value holds no letter or digit.", parameter) : folded;
    }

    /// <summary>Accents dropped, each run of other characters than letters, digits and <c>-</c> made one <c>_</c>, trimmed.</summary>
    private static string Fold(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '_')
            {
                text.Append('_');
            }
        }
        return text.ToString().Trim('_');
    }
}
