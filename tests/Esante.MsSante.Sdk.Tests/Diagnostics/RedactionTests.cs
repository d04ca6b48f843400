using Esante.MsSante.Diagnostics;

namespace Esante.MsSante.Tests.Diagnostics;

/// <summary>A remote party's text is redacted before it reaches an exception message or a log.</summary>
public class RedactionTests
{
    [Theory]
    [InlineData("550 5.1.1 <279035121518989@patient.mssante.fr>: Recipient address rejected: User unknown")]
    [InlineData("550 5.1.1 279035121518989@PATIENT.MSSANTE.FR unknown")]
    [InlineData("550 user \"279035121518989\"@patient.mssante.fr unknown")]
    [InlineData("NO [CANNOT] no such user 279035121518989")]
    [InlineData("NO patient 2 79 03 51 215 189 89 is not here")]
    [InlineData("NO patient 1 85 05 2A 123 456 is not here")]
    public void Server_text_loses_patient_addresses_and_ins(string reply)
    {
        var safe = Redaction.ServerText(reply);

        Assert.Contains("REDACTED", safe, StringComparison.Ordinal);
        foreach (var piece in new[] { "279035121518989", "2790351215189", "215 189", "123 456" })
        {
            Assert.DoesNotContain(piece, safe, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Server_text_keeps_what_a_person_needs_on_one_short_line()
    {
        Assert.Equal("550 5.7.1 Mailbox closed for claire.roux@chu-test.mssante.fr", Redaction.ServerText("550 5.7.1 Mailbox closed for claire.roux@chu-test.mssante.fr"));
        Assert.Equal("NO a  bc", Redaction.ServerText("NO a\r\nb\u202Ec"));
        Assert.True(Redaction.ServerText(new string('x', 100_000)).Length < 400);
        Assert.Equal(string.Empty, Redaction.ServerText(null));
    }
}
