using System.Diagnostics;
using Esante.MsSante.Tests.Diagnostics;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>A connection the network dropped is opened again: counted, and marked on the span of the operation it served.</summary>
[Collection(MailStackCollection.Name)]
public sealed class ReconnectionTelemetryTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task A_dropped_imap_connection_is_counted_and_marked_on_the_listing_it_served()
    {
        using var telemetry = new TelemetryCollector();
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        using var relay = new TcpRelay(stack.Port("IMAP_PORT"));
        await using var box = await MailStack.OpenAsync(stack.Options(o => o.ImapPort = relay.Port), user, Password);
        var letter = new OutgoingMessage { Subject = "Pour soi", TextBody = "x" };
        letter.To.Add(MssanteAddress.Parse(user));
        await box.SendAsync(letter);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await box.Messages.ListAsync().AnyAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "The message sent to oneself should arrive.");
            await Task.Delay(100);
        }

        ActivityTraceId trace;
        using (var root = TelemetryCollector.Root("reconnection"))
        {
            trace = root.TraceId;
            relay.DropAll();
            Assert.Single(await box.Messages.ListAsync().ToListAsync());
        }

        var spans = telemetry.Trace(trace);
        var listing = Assert.Single(spans, s => s.OperationName == "esante.mssante.messages.list");
        Assert.Equal(ActivityStatusCode.Unset, listing.Status);
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.connect" && s.ParentSpanId == listing.SpanId
            && (string?)s.GetTagItem("network.protocol.name") == "imap" && (int?)s.GetTagItem("server.port") == relay.Port);
        Assert.Contains(listing.Events, e => e.Name == "esante.mssante.reconnection" && e.Tags.Contains(new("network.protocol.name", "imap")));
        Assert.Contains(telemetry.Measurements, m => m.Instrument == "esante.mssante.reconnections" && (string?)m.Tag("network.protocol.name") == "imap");
        Assert.True(relay.Connections >= 2, "The mailbox should have reconnected.");
    }
}
