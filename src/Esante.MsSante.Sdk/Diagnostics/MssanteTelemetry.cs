using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Esante.MsSante;

/// <summary>
/// The names under which the SDK emits its traces (<see cref="ActivitySource"/>) and metrics (<see cref="Meter"/>), for
/// OpenTelemetry or any other listener: <c>.AddSource(MssanteTelemetry.ActivitySourceName)</c> and
/// <c>.AddMeter(MssanteTelemetry.MeterName)</c>. No span, metric, attribute or tag carries health data (patient addresses,
/// INS, subjects, bodies, file names), passwords, codes or tokens; nor mailbox addresses or directory queries. A failure is
/// told by its exception's type (<c>error.type</c>, span status Error), never by its message. Nothing is built when nobody
/// listens.
/// </summary>
/// <remarks>
/// <para>Spans (attributes in brackets):</para>
/// <list type="bullet">
/// <item><c>esante.mssante.sign_in</c>: a sign-in by password, one-time code, token or certificate
/// (<c>esante.mssante.sign_in.method</c>; on failure <c>esante.mssante.authentication.failure</c>).</item>
/// <item><c>esante.mssante.psc.sign_in</c>, <c>esante.mssante.psc.token_refresh</c>: Pro Santé Connect's callback completed, an
/// access token refreshed.</item>
/// <item><c>esante.mssante.mailboxes.list</c>, <c>esante.mssante.mailbox.open</c> (<c>esante.mssante.mailbox.kind</c>).</item>
/// <item><c>esante.mssante.message.send</c>: a message or read receipt (<c>esante.mssante.message.kind</c>,
/// <c>esante.mssante.message.recipient_count</c>, <c>esante.mssante.message.attachment_count</c>), parent of
/// <c>esante.mssante.smtp.submit</c> and <c>esante.mssante.sent_copy.save</c> (<c>network.protocol.name</c>, and on a real
/// operator <c>server.address</c>, <c>server.port</c>).</item>
/// <item><c>esante.mssante.messages.list</c>, <c>esante.mssante.message.read</c>, <c>esante.mssante.messages.watch</c> (the
/// whole watch, until it ends).</item>
/// <item><c>esante.mssante.directory.load</c> (<c>esante.mssante.directory.entries</c>), <c>esante.mssante.directory.search</c>
/// (<c>esante.mssante.directory.source</c>: <c>extraction</c>, <c>in_memory</c>, <c>fhir</c>; <c>esante.mssante.result_count</c>),
/// <c>esante.mssante.fhir.request</c> (<c>esante.mssante.fhir.resource</c>, <c>http.response.status_code</c>,
/// <c>server.address</c>, <c>server.port</c>).</item>
/// <item><c>esante.mssante.connect</c>, on a real operator: a connection to the IMAP or SMTP server, TLS included
/// (<c>network.protocol.name</c>, <c>server.address</c>, <c>server.port</c>).</item>
/// </list>
/// <para>
/// A span whose operation opened a connection again gets the event <c>esante.mssante.reconnection</c>
/// (<c>network.protocol.name</c>).
/// </para>
/// <para>Instruments:</para>
/// <list type="bullet">
/// <item><c>esante.mssante.operation.duration</c>, histogram in <c>s</c>: <c>esante.mssante.operation</c> (the span's name),
/// <c>error.type</c>.</item>
/// <item><c>esante.mssante.messages.sent</c>, counter in <c>{message}</c>: <c>esante.mssante.message.kind</c>,
/// <c>esante.mssante.mailbox.kind</c>.</item>
/// <item><c>esante.mssante.policy.refusals</c>, counter in <c>{refusal}</c>: <c>esante.mssante.policy.code</c>, once per
/// distinct <see cref="PolicyViolationCodes"/> value of a refused message.</item>
/// <item><c>esante.mssante.server.refusals</c>, counter in <c>{refusal}</c>: <c>network.protocol.name</c>, <c>error.type</c>.</item>
/// <item><c>esante.mssante.reconnections</c>, counter in <c>{reconnection}</c>: <c>network.protocol.name</c>.</item>
/// <item><c>esante.mssante.token.refreshes</c>, counter in <c>{refresh}</c>: <c>error.type</c> when the refresh failed.</item>
/// <item><c>esante.mssante.watch.notifications</c>, counter in <c>{message}</c>: messages a watch reported.</item>
/// <item><c>esante.mssante.directory.size</c>, gauge in <c>{entry}</c>: <c>esante.mssante.directory.source</c>.</item>
/// <item><c>esante.mssante.directory.load.duration</c>, histogram in <c>s</c>: <c>esante.mssante.operation</c>,
/// <c>error.type</c>.</item>
/// </list>
/// </remarks>
public static class MssanteTelemetry
{
    /// <summary>The name of the SDK's <see cref="System.Diagnostics.ActivitySource"/>: <c>Esante.MsSante</c>.</summary>
    public const string ActivitySourceName = "Esante.MsSante";

    /// <summary>The name of the SDK's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Esante.MsSante</c>.</summary>
    public const string MeterName = "Esante.MsSante";

    /// <summary>The SDK's spans.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    /// <summary>The SDK's instruments.</summary>
    internal static readonly Meter Meter = new(MeterName, Version);

    private static string Version => typeof(MssanteTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
