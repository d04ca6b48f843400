
namespace Esante.MsSante.Operators;

/// <summary>Shorthands over <see cref="IOperatorMailbox"/> for the services.</summary>
internal static class OperatorMailboxExtensions
{
    /// <summary>
    /// A folder's summaries, all read before the caller acts on any: the operator's connection serves one command at a
    /// time, so fetching, flagging or expunging while the listing streams would wait on it.
    /// </summary>
    public static async Task<List<MessageInfo>> SummariesAsync(this IOperatorMailbox mailbox, string folderPath, CancellationToken cancellationToken)
    {
        var summaries = new List<MessageInfo>();
        await foreach (var summary in mailbox.FetchSummariesAsync(folderPath, cancellationToken).ConfigureAwait(false))
        {
            summaries.Add(summary);
        }
        return summaries;
    }
}
