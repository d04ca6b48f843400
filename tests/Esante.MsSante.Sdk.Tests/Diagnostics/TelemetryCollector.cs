using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Esante.MsSante.Tests.Diagnostics;

/// <summary>
/// Everything the SDK emits while it lives, with an in-memory <see cref="ActivityListener"/> and <see cref="MeterListener"/>
/// (no exporter): the spans of the SDK's source, and the measurements of its meter. Listeners are process-wide, so tests
/// running at the same time add theirs: a test looks at its own spans by <see cref="Trace"/>, and at measurements as a whole.
/// </summary>
internal sealed class TelemetryCollector : IDisposable
{
    private const string TestSourceName = "Esante.MsSante.Tests.Telemetry";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public TelemetryCollector()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name is MssanteTelemetry.ActivitySourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_spans);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MssanteTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => _measurements.Enqueue(new Measurement(i.Name, i.Unit, value, tags.ToArray())));
        _meters.SetMeasurementEventCallback<int>((i, value, tags, _) => _measurements.Enqueue(new Measurement(i.Name, i.Unit, value, tags.ToArray())));
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => _measurements.Enqueue(new Measurement(i.Name, i.Unit, value, tags.ToArray())));
        _meters.Start();
    }

    /// <summary>A measurement: the instrument's name and unit, the value and its tags.</summary>
    public sealed record Measurement(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }

    /// <summary>Starts the test's own root span: the SDK's spans under it share its trace.</summary>
    public static Activity Root(string name) => TestSource.StartActivity(name) ?? throw new InvalidOperationException("The test source is not listened to.");

    /// <summary>Every span stopped so far, of every test running.</summary>
    public IReadOnlyList<Activity> AllSpans => [.. _stopped];

    /// <summary>The SDK's spans of one trace, in the order they ended.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId trace) =>
        [.. _stopped.Where(a => a.TraceId == trace && a.Source.Name == MssanteTelemetry.ActivitySourceName)];

    /// <summary>Every measurement so far, of every test running.</summary>
    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>
    /// Everything a listener or exporter can read, as text: each span's names, status, attributes, events, links and
    /// baggage; each measurement's instrument and tags.
    /// </summary>
    public string Everything()
    {
        var text = new StringBuilder();
        foreach (var span in AllSpans)
        {
            text.AppendLine().Append(span.OperationName).Append(' ').Append(span.DisplayName).Append(' ').Append(span.StatusDescription);
            Append(text, span.TagObjects);
            foreach (var e in span.Events)
            {
                text.Append(' ').Append(e.Name);
                Append(text, e.Tags);
            }
            foreach (var link in span.Links)
            {
                Append(text, link.Tags ?? []);
            }
            foreach (var (key, value) in span.Baggage)
            {
                text.Append(' ').Append(key).Append('=').Append(value);
            }
        }
        foreach (var measurement in Measurements)
        {
            text.AppendLine().Append(measurement.Instrument);
            Append(text, measurement.Tags);
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        foreach (var (key, value) in tags)
        {
            text.Append(' ').Append(key).Append('=').Append(value);
        }
    }

    public void Dispose()
    {
        _spans.Dispose();
        _meters.Dispose();
    }
}
