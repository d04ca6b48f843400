using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Esante.MsSante.Diagnostics;

/// <summary>
/// The SDK's span names, attributes and instruments, in one place (documented on <see cref="MssanteTelemetry"/>). Attribute
/// values are bounded and carry no health data: operation names, codes, protocols, kinds and counts; never an address,
/// INS, subject, body, file name, user name, password, code, token nor server text.
/// </summary>
internal static class SdkTelemetry
{
    // ---- Spans (each also the esante.mssante.operation value of the duration histogram) ----
    public const string SignIn = "esante.mssante.sign_in";
    public const string ProSanteConnectSignIn = "esante.mssante.psc.sign_in";
    public const string TokenRefresh = "esante.mssante.psc.token_refresh";
    public const string ListMailboxes = "esante.mssante.mailboxes.list";
    public const string OpenMailbox = "esante.mssante.mailbox.open";
    public const string Send = "esante.mssante.message.send";
    public const string SendBatch = "esante.mssante.batch.send";
    public const string SmtpSubmit = "esante.mssante.smtp.submit";
    public const string SentCopy = "esante.mssante.sent_copy.save";
    public const string ListMessages = "esante.mssante.messages.list";
    public const string ReadMessage = "esante.mssante.message.read";
    public const string Watch = "esante.mssante.messages.watch";
    public const string DirectoryLoad = "esante.mssante.directory.load";
    public const string DirectorySearch = "esante.mssante.directory.search";
    public const string FhirRequest = "esante.mssante.fhir.request";
    public const string Connect = "esante.mssante.connect";

    // ---- Attributes and tags ----
    /// <summary>OpenTelemetry: the exception's full type name, or a bounded failure kind.</summary>
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ProtocolName = "network.protocol.name";
    public const string Operation = "esante.mssante.operation";
    public const string SignInMethod = "esante.mssante.sign_in.method";
    public const string AuthenticationFailure = "esante.mssante.authentication.failure";
    public const string MailboxKind = "esante.mssante.mailbox.kind";
    public const string MessageKind = "esante.mssante.message.kind";
    public const string RecipientCount = "esante.mssante.message.recipient_count";
    public const string AttachmentCount = "esante.mssante.message.attachment_count";
    public const string PolicyCode = "esante.mssante.policy.code";
    public const string DirectorySource = "esante.mssante.directory.source";
    public const string DirectoryEntries = "esante.mssante.directory.entries";
    public const string ResultCount = "esante.mssante.result_count";
    public const string SentCount = "esante.mssante.batch.sent_count";
    public const string FhirResource = "esante.mssante.fhir.resource";
    public const string HttpStatus = "http.response.status_code";

    // ---- Instruments ----
    /// <summary>
    /// Bucket boundaries in seconds, as OpenTelemetry's semantic conventions advise for durations (its default
    /// boundaries, 0 to 10,000, suit milliseconds and would put every operation in the first bucket).
    /// </summary>
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60],
    };

    public static readonly Histogram<double> OperationDuration = MssanteTelemetry.Meter.CreateHistogram<double>(
        "esante.mssante.operation.duration", "s", "How long the SDK's operations take, by operation (esante.mssante.operation) and error.type when one failed.",
        tags: null, advice: Seconds);

    public static readonly Counter<long> MessagesSent = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.messages.sent", "{message}", "Messages the operator accepted for delivery, by esante.mssante.message.kind and esante.mssante.mailbox.kind.");

    public static readonly Counter<long> PolicyRefusals = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.policy.refusals", "{refusal}", "Messages the SDK's policies refused before sending, once per distinct esante.mssante.policy.code.");

    public static readonly Counter<long> ServerRefusals = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.server.refusals", "{refusal}", "Operations the operator's server refused, by network.protocol.name and error.type.");

    public static readonly Counter<long> Reconnections = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.reconnections", "{reconnection}", "Connections opened again after one dropped or went stale, by network.protocol.name.");

    public static readonly Counter<long> TokenRefreshes = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.token.refreshes", "{refresh}", "Pro Santé Connect token refreshes; a failed one carries error.type.");

    public static readonly Counter<long> WatchNotifications = MssanteTelemetry.Meter.CreateCounter<long>(
        "esante.mssante.watch.notifications", "{message}", "Messages a watch (IMAP IDLE) reported as they arrived.");

    public static readonly Gauge<long> DirectorySize = MssanteTelemetry.Meter.CreateGauge<long>(
        "esante.mssante.directory.size", "{entry}", "Entries (distinct addresses) of the directory last built, by esante.mssante.directory.source.");

    public static readonly Histogram<double> DirectoryLoadDuration = MssanteTelemetry.Meter.CreateHistogram<double>(
        "esante.mssante.directory.load.duration", "s", "How long loading and indexing the directory's extraction took, error.type when it failed.",
        tags: null, advice: Seconds);

    /// <summary>
    /// Starts an operation: its span (when something listens to the source) and its duration (when something listens to
    /// the histogram). Null when nothing listens: then nothing is allocated and nothing recorded.
    /// </summary>
    public static TracedOperation? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Start(name, kind, OperationDuration);

    /// <summary>
    /// As <see cref="Start(string, ActivityKind)"/>, its duration in another histogram; <paramref name="counted"/>: an
    /// operation another instrument counts by its outcome, which is then followed even when nothing else listens.
    /// </summary>
    public static TracedOperation? Start(string name, ActivityKind kind, Histogram<double> duration, bool counted = false)
    {
        var activity = MssanteTelemetry.Source.HasListeners() ? MssanteTelemetry.Source.StartActivity(name, kind) : null;
        return activity is null && !duration.Enabled && !counted ? null : new TracedOperation(name, activity, duration);
    }

    /// <summary>Counts a token refresh once it is over, failed when <paramref name="operation"/> was marked so.</summary>
    public static void Refreshed(TracedOperation? operation)
    {
        if (operation is null || !TokenRefreshes.Enabled)
        {
            return;
        }
        if (operation.ErrorType is { } error)
        {
            TokenRefreshes.Add(1, new KeyValuePair<string, object?>(ErrorType, error));
        }
        else
        {
            TokenRefreshes.Add(1);
        }
    }

    /// <summary>
    /// Marks the operation failed by <paramref name="exception"/> (its type only, never its message); always false, for an
    /// exception filter that lets the exception go on unchanged: <c>catch (Exception e) when (SdkTelemetry.Failed(op, e)) { throw; }</c>.
    /// </summary>
    public static bool Failed(TracedOperation? operation, Exception exception)
    {
        operation?.Fail(exception);
        return false;
    }

    /// <summary>The value of <c>error.type</c> for an exception: its full type name.</summary>
    public static string ErrorTypeOf(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>Counts a refusal by the server; returns the exception, to throw.</summary>
    public static TException ServerRefused<TException>(string protocol, TException exception)
        where TException : Exception
    {
        if (ServerRefusals.Enabled)
        {
            ServerRefusals.Add(1, new KeyValuePair<string, object?>(ProtocolName, protocol), new KeyValuePair<string, object?>(ErrorType, ErrorTypeOf(exception)));
        }
        return exception;
    }

    /// <summary>The event a span gets when its operation opened a connection again.</summary>
    public const string ReconnectionEvent = "esante.mssante.reconnection";

    /// <summary>Counts a connection opened again, and marks it on the SDK's span under way.</summary>
    public static void Reconnected(string protocol)
    {
        if (Reconnections.Enabled)
        {
            Reconnections.Add(1, new KeyValuePair<string, object?>(ProtocolName, protocol));
        }
        if (Activity.Current is { } current && current.Source == MssanteTelemetry.Source)
        {
            current.AddEvent(new ActivityEvent(ReconnectionEvent, tags: new ActivityTagsCollection { [ProtocolName] = protocol }));
        }
    }

    /// <summary>Counts the policy refusal of a message, once per distinct code.</summary>
    public static void PolicyRefused(IEnumerable<PolicyViolation> violations)
    {
        if (!PolicyRefusals.Enabled)
        {
            return;
        }
        foreach (var code in violations.Select(v => v.Code).Distinct(StringComparer.Ordinal))
        {
            PolicyRefusals.Add(1, new KeyValuePair<string, object?>(PolicyCode, code));
        }
    }

    /// <summary>Counts a message the operator accepted.</summary>
    public static void Sent(string messageKind, MailboxKind mailboxKind)
    {
        if (MessagesSent.Enabled)
        {
            MessagesSent.Add(1, new KeyValuePair<string, object?>(MessageKind, messageKind), new KeyValuePair<string, object?>(MailboxKind, Word(mailboxKind)));
        }
    }

    /// <summary>Records the size of a directory just built.</summary>
    public static void DirectoryBuilt(string source, int entries)
    {
        if (DirectorySize.Enabled)
        {
            DirectorySize.Record(entries, new KeyValuePair<string, object?>(DirectorySource, source));
        }
    }

    /// <summary>The lower-case word of an enum value, for a tag.</summary>
    public static string Word<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        value.ToString().ToLowerInvariant();

    /// <summary>
    /// Traces an asynchronous sequence: the span covers the whole enumeration, and a failure of any step is recorded (not
    /// the caller's cancel, the way a watch ends);
    /// <paramref name="perItem"/> counts each item. The sequence itself when nothing listens.
    /// </summary>
    public static IAsyncEnumerable<T> Traced<T>(string name, IAsyncEnumerable<T> source, Counter<long>? perItem, CancellationToken cancellationToken = default) =>
        MssanteTelemetry.Source.HasListeners() || OperationDuration.Enabled || perItem is { Enabled: true }
            ? TracedCore(name, source, perItem, cancellationToken)
            : source;

    private static async IAsyncEnumerable<T> TracedCore<T>(string name, IAsyncEnumerable<T> source, Counter<long>? perItem,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var operation = Start(name);
        var items = source.WithCancellation(cancellationToken).ConfigureAwait(false).GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    // Each step runs in its caller's context: the span is made current again, so what the operator does
                    // in it (a reconnection) is seen under it.
                    if (operation?.Activity is { } activity)
                    {
                        Activity.Current = activity;
                    }
                    if (!await items.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested) && Failed(operation, e))
                {
                    throw;
                }
                perItem?.Add(1);
                yield return items.Current;
            }
        }
        finally
        {
            await items.DisposeAsync();
        }
    }
}

/// <summary>One traced operation: its span, if sampled, and its duration; ended by <see cref="Dispose"/>.</summary>
internal sealed class TracedOperation : IDisposable
{
    private readonly string _name;
    private readonly Histogram<double> _duration;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _errorType;

    internal TracedOperation(string name, Activity? activity, Histogram<double> duration)
    {
        _name = name;
        Activity = activity;
        _duration = duration;
    }

    /// <summary>The error.type of a failed operation, else null.</summary>
    public string? ErrorType => _errorType;

    /// <summary>The span, or null when none is recorded.</summary>
    public Activity? Activity { get; }

    /// <summary>Sets an attribute on the span (none on the duration: its tags are the operation and the error only).</summary>
    public TracedOperation Tag(string key, object? value)
    {
        Activity?.SetTag(key, value);
        return this;
    }

    /// <summary>Marks the operation failed: the span's status is Error, with error.type (the exception's type, not its message).</summary>
    public void Fail(Exception exception) => Fail(SdkTelemetry.ErrorTypeOf(exception), exception);

    /// <summary>Marks the operation failed with a bounded kind of failure.</summary>
    public void Fail(string errorType, Exception? exception = null)
    {
        if (_errorType is not null)
        {
            return;
        }
        _errorType = errorType;
        if (exception is MssanteAuthenticationException authentication)
        {
            Activity?.SetTag(SdkTelemetry.AuthenticationFailure, authentication.Failure.ToString());
        }
        else if (exception is ProSanteConnect.ProSanteConnectException refused)
        {
            Activity?.SetTag(SdkTelemetry.AuthenticationFailure, refused.Failure.ToString());
        }
    }

    /// <summary>Ends the span and records the duration.</summary>
    public void Dispose()
    {
        if (Activity is { } activity)
        {
            if (_errorType is not null)
            {
                activity.SetTag(SdkTelemetry.ErrorType, _errorType);
                activity.SetStatus(ActivityStatusCode.Error);
            }
            activity.Dispose();
        }
        if (_duration.Enabled)
        {
            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            if (_errorType is null)
            {
                _duration.Record(seconds, new KeyValuePair<string, object?>(SdkTelemetry.Operation, _name));
            }
            else
            {
                _duration.Record(seconds, new KeyValuePair<string, object?>(SdkTelemetry.Operation, _name), new KeyValuePair<string, object?>(SdkTelemetry.ErrorType, _errorType));
            }
        }
    }
}
