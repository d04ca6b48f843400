using System.Net;

namespace Esante.MsSante.Directory;

/// <summary>
/// A remote directory (the Annuaire Santé API) could not answer a search: the key was refused, the rate limit was reached,
/// the service failed, timed out or answered something unreadable. The message says what to do; it never contains the API key.
/// </summary>
public class DirectorySourceException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public DirectorySourceException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DirectorySourceException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DirectorySourceException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with what the caller needs to react.</summary>
    /// <param name="message">What happened and what to do; never a secret.</param>
    /// <param name="statusCode">The HTTP status the service answered, if it answered.</param>
    /// <param name="retryAfter">How long the service asked to wait before retrying (<c>Retry-After</c>), if it said.</param>
    /// <param name="isTransient">Whether the same search may succeed later without any change (rate limit, outage, timeout).</param>
    /// <param name="innerException">The cause, if any.</param>
    public DirectorySourceException(string message, HttpStatusCode? statusCode, TimeSpan? retryAfter, bool isTransient, Exception? innerException = null)
        : base(message, innerException!)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status the service answered; null when it did not answer (timeout, network failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How long the service asked to wait before the next request (HTTP 429 or 503 with <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether retrying the same search later may succeed (rate limit, server failure, timeout, network failure).</summary>
    public bool IsTransient { get; }
}
