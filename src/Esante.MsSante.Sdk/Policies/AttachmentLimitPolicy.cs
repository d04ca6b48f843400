using System.Globalization;

namespace Esante.MsSante;

/// <summary>
/// The limit on the total size of a message's attachments (« dans la limite de 15 Mo au total »), checked before anything is sent.
/// </summary>
public sealed class AttachmentLimitPolicy
{
    /// <summary>The regional operator's limit: 15 MB (15 × 1024 × 1024 bytes) in total.</summary>
    public const long DefaultMaxTotalBytes = 15L * 1024 * 1024;

    /// <summary>Mon Espace Santé's limit for messages to patients: 25 MB in total.</summary>
    public const long PatientMaxTotalBytes = 25L * 1024 * 1024;

    /// <summary>Creates the policy.</summary>
    /// <param name="maxTotalBytes">The largest allowed sum of attachment sizes, in bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTotalBytes"/> is not positive.</exception>
    public AttachmentLimitPolicy(long maxTotalBytes = DefaultMaxTotalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTotalBytes);
        MaxTotalBytes = maxTotalBytes;
    }

    /// <summary>The largest allowed sum of attachment sizes, in bytes.</summary>
    public long MaxTotalBytes { get; }

    /// <summary>Checks the sizes of a message's attachments.</summary>
    /// <param name="attachmentSizes">The size in bytes of each attachment, before transfer encoding.</param>
    /// <returns>No violation when the total is within the limit, else one <see cref="PolicyViolationCodes.AttachmentsTooLarge"/>.</returns>
    public IReadOnlyList<PolicyViolation> Evaluate(IEnumerable<long> attachmentSizes)
    {
        ArgumentNullException.ThrowIfNull(attachmentSizes);
        long total = 0;
        var count = 0;
        foreach (var size in attachmentSizes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(attachmentSizes));
            total += size;
            count++;
        }
        if (total <= MaxTotalBytes)
        {
            return [];
        }
        return
        [
            new PolicyViolation(
                PolicyViolationCodes.AttachmentsTooLarge,
                string.Create(CultureInfo.InvariantCulture,
                    $"The {count} attachment(s) total {FormatSize(total)} ({total} bytes), over the limit of {FormatSize(MaxTotalBytes)} ({MaxTotalBytes} bytes). Remove or compress attachments, or send them in several messages."))
            {
                Limit = MaxTotalBytes,
                Actual = total,
            },
        ];
    }

    /// <summary>A size in MB with one decimal, as people read it.</summary>
    internal static string FormatSize(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MB");
}
