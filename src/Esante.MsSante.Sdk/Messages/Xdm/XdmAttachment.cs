using MimeKit;

namespace Esante.MsSante.Xdm;

/// <summary>
/// Finds a received message's IHE_XDM.zip whatever its sender did with its headers: attached, inline or with no
/// Content-Disposition, named IHE_XDM.zip (in its Content-Disposition or its Content-Type), or under another name but of
/// a zip type, or of no telling type but with a zip's signature and an XDM submission set inside.
/// </summary>
internal static class XdmAttachment
{
    private static readonly string[] ZipTypes = ["application/zip", "application/x-zip-compressed", "application/x-zip"];

    /// <summary>The part holding the archive, or null when the message has none.</summary>
    public static MimePart? Find(MimeMessage message)
    {
        var parts = message.BodyParts.OfType<MimePart>().Where(p => p.Content is not null && p is not TextPart).ToList();
        return parts.FirstOrDefault(p => string.Equals(p.FileName, XdmPackage.FileName, StringComparison.OrdinalIgnoreCase))
            ?? parts.FirstOrDefault(p => ZipTypes.Contains(p.ContentType.MimeType, StringComparer.OrdinalIgnoreCase) && HoldsSubmissionSet(p))
            ?? parts.FirstOrDefault(HoldsSubmissionSet);
    }

    /// <summary>Whether the part's content is a zip holding IHE_XDM/&lt;folder&gt;/METADATA.XML (its directory only is read).</summary>
    private static bool HoldsSubmissionSet(MimePart part)
    {
        try
        {
            using var content = new MemoryStream();
            part.Content!.DecodeTo(content);
            var bytes = content.GetBuffer();
            if (content.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K' || bytes[2] != 3 || bytes[3] != 4)
            {
                return false;
            }
            content.Position = 0;
            using var zip = new System.IO.Compression.ZipArchive(content, System.IO.Compression.ZipArchiveMode.Read);
            return zip.Entries.Any(e => e.FullName.StartsWith("IHE_XDM/", StringComparison.OrdinalIgnoreCase) &&
                e.FullName.EndsWith("/METADATA.XML", StringComparison.OrdinalIgnoreCase));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
