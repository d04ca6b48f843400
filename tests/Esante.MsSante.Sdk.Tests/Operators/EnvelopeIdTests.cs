using System.Reflection;
using Esante.MsSante.Operators.Imap;
using MimeKit;

namespace Esante.MsSante.Tests.Operators;

/// <summary>RFC 3461 ENVID: the Message-ID names the message in delivery reports, when reports are asked and it fits.</summary>
public class EnvelopeIdTests
{
    [Theory]
    [InlineData(DeliveryStatusRequest.Failure, "abc123@chu-angers.mssante.fr", "abc123@chu-angers.mssante.fr")]
    [InlineData(DeliveryStatusRequest.Default, "abc123@chu-angers.mssante.fr", null)]
    [InlineData(DeliveryStatusRequest.Never, "abc123@chu-angers.mssante.fr", null)]
    [InlineData(DeliveryStatusRequest.Success, "a+b=c@chu-angers.mssante.fr", null)]
    [InlineData(DeliveryStatusRequest.Success, "é@chu-angers.mssante.fr", null)]
    public void The_envelope_id_is_the_Message_ID_when_reports_are_asked_and_it_fits(DeliveryStatusRequest request, string messageId, string? expected)
    {
        Assert.Equal(expected, EnvelopeId(request, messageId));
    }

    [Fact]
    public void A_Message_ID_longer_than_100_characters_is_not_sent_as_envelope_id()
    {
        Assert.Equal(100, EnvelopeId(DeliveryStatusRequest.Failure, new string('a', 78) + "@chu-angers.mssante.fr")!.Length);
        Assert.Null(EnvelopeId(DeliveryStatusRequest.Failure, new string('a', 79) + "@chu-angers.mssante.fr"));
    }

    private static string? EnvelopeId(DeliveryStatusRequest request, string messageId)
    {
        using var client = new MssanteSmtpClient();
        client.BeginSend(1, request);
        var message = new MimeMessage { MessageId = messageId };
        return (string?)typeof(MssanteSmtpClient).GetMethod("GetEnvelopeId", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(client, [message]);
    }
}
