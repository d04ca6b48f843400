using Esante.MsSante.Samples.GuideJourney;

namespace Esante.MsSante.Tests.Samples;

public class GuideJourneyTests
{
    [Fact]
    public async Task The_sample_runs_the_whole_guide_journey()
    {
        using var output = new StringWriter();
        Assert.True(await Journey.RunAsync(output), output.ToString());
        var text = output.ToString();
        Assert.Contains("A link valid 1 hour was e-mailed", text, StringComparison.Ordinal);
        Assert.Contains("Using the link again is refused", text, StringComparison.Ordinal);
        Assert.Contains("Signed in as adrien.malosse27.", text, StringComparison.Ordinal);
        Assert.Contains("ORG  secretariat-cardio@esantepdl.mssante.fr", text, StringComparison.Ordinal);
        Assert.Contains("mailboxes in the extraction file (20,000 generated rows) match", text, StringComparison.Ordinal);
        Assert.Contains("ALEXANDRE        Adèle         adele.alexandre@chu-nantes.mssante.fr", text, StringComparison.Ordinal);
        Assert.Contains("Typing « gou ade nan » in « À : » suggests Adeline GOUDAL <adeline.goudal@chu-nantes.mssante.fr>.", text, StringComparison.Ordinal);
        Assert.Contains("received it from \"Secrétariat de cardiologie - CH de Cholet\" <secretariat-cardio@esantepdl.mssante.fr> with 1 attachment", text, StringComparison.Ordinal);
        Assert.Contains("@esantepdl.mssante.fr: processed by adeline.goudal@chu-nantes.mssante.fr.", text, StringComparison.Ordinal);
        Assert.Contains("« Échanges Patients » holds a message from REDACTED@patient.mssante.fr", text, StringComparison.Ordinal);
        Assert.Contains("The structure's out-of-office reply « Secrétariat fermé » answered from secretariat-cardio@esantepdl.mssante.fr.", text, StringComparison.Ordinal);
        Assert.Contains("Marc Durand's message was answered « Absence »", text, StringComparison.Ordinal);
        Assert.Contains("A notice went to adrien.malosse@example.fr", text, StringComparison.Ordinal);
        Assert.Contains("« Échanges Patients » exported: 1 message(s)", text, StringComparison.Ordinal);
        Assert.Contains("of 500.0 MB used", text, StringComparison.Ordinal);
        Assert.Contains("Refused [MSS-ATTACHMENTS-TOO-LARGE]", text, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent: 0 new delivery.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", text, StringComparison.Ordinal);
        Assert.EndsWith("Journey complete." + Environment.NewLine, text, StringComparison.Ordinal);
    }
}
