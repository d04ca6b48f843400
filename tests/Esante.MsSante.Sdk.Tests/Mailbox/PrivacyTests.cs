using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>Health data and secrets never reach the logs.</summary>
public class PrivacyTests
{
    /// <summary>The SDK on the fake operator, its logs collected.</summary>
    internal static ServiceProvider LoggedProvider(FakeMssanteOperator server, out FakeLogCollector collector)
    {
        collector = new FakeLogCollector();
        return new ServiceCollection()
            .AddSingleton<ILoggerFactory>(new LoggerFactory([new FakeLoggerProvider(collector)]))
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddFakeOperator(server)
            .Services.BuildServiceProvider();
    }

    [Fact]
    public async Task Logs_name_operations_but_never_subjects_bodies_patients_passwords_or_codes()
    {
        var server = new FakeMssanteOperator();
        await using var provider = LoggedProvider(server, out var collector);
        var doctor = server.CreateAccount("claire.roux", KnownSecrets.Password);
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await Assert.ThrowsAnyAsync<Exception>(() => session.SignInAsync("claire.roux", KnownSecrets.WrongPassword));
        await session.SignInAsync("claire.roux", KnownSecrets.Password);
        var code = server.LastCodeSentTo(doctor.OtpEmail!);
        await session.CompleteSignInAsync(code);
        await using var box = await session.OpenMailboxAsync(doctor.Address);

        var toPatient = new OutgoingMessage { Subject = KnownSecrets.Subject, TextBody = KnownSecrets.Body };
        toPatient.To.Add(MssanteAddress.Parse(KnownSecrets.PatientAddress));
        await box.SendAsync(toPatient);
        toPatient.Subject = KnownSecrets.Subject + "\r\n";
        await Assert.ThrowsAnyAsync<Exception>(() => box.SendAsync(toPatient));

        var logs = string.Join(Environment.NewLine, collector.GetSnapshot().Select(r => r.Message));
        Assert.Contains("Signed in as claire.roux", logs, StringComparison.Ordinal);
        Assert.Contains("Sent message", logs, StringComparison.Ordinal);
        Assert.Contains("MSS-HEADER-INJECTION", logs, StringComparison.Ordinal);
        KnownSecrets.AssertAbsent(logs, code);
    }
}
