namespace Esante.MsSante.Tests.Diagnostics;

/// <summary>
/// The secrets and health data the privacy tests put through the SDK, and check never come out of it: not in the logs
/// (<see cref="Mailbox.PrivacyTests"/>), not in the traces and metrics (<see cref="TelemetryPrivacyTests"/>).
/// </summary>
internal static class KnownSecrets
{
    public const string Password = "Secret-Pass-1";
    public const string WrongPassword = "Wrong-Secret-9";
    public const string Subject = "Diagnostic confidentiel";
    public const string Body = "Corps confidentiel";
    public const string Ins = "279035121518989";
    public const string PatientAddress = Ins + "@patient.mssante.fr";
    public const string AttachmentFileName = "compte-rendu-Martin-Claire.pdf";

    /// <summary>Every value that must never come out, with those of one run (a one-time code, a token, a password).</summary>
    public static IReadOnlyList<string> Values(params string[] more) =>
        ["Diagnostic", "confidentiel", Ins, Password, WrongPassword, AttachmentFileName, "Martin-Claire", .. more.Where(m => !string.IsNullOrEmpty(m))];

    /// <summary>Fails when any of the values appears in <paramref name="text"/>.</summary>
    public static void AssertAbsent(string text, params string[] more)
    {
        foreach (var secret in Values(more))
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
