namespace Esante.MsSante.Diagnostics;

/// <summary>
/// The body of an HTTP answer, read up to a bound: a server (or anything between) that sends without end gets a refusal,
/// not the application's memory.
/// </summary>
internal static class RemoteBody
{
    /// <summary>The body's bytes, or null when it is longer than <paramref name="maxBytes"/> (no more than that is read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > maxBytes)
                {
                    return null;
                }
                body.Write(chunk, 0, read);
            }
            return body.ToArray();
        }
    }
}
