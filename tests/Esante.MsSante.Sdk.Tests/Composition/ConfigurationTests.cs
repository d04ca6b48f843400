using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Tests.Composition;

/// <summary>The SDK configured from appsettings-like configuration rather than code.</summary>
public sealed class ConfigurationTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void The_options_and_the_policies_come_from_a_configuration_section()
    {
        var configuration = Configuration(
            ("Mssante:ProductReference", "DEV935997"),
            ("Mssante:AllowPatientRecipients", "false"),
            ("Mssante:TrashRetention", "2 weeks"),
            ("Mssante:FolderRetention:Archives", "6 mois"),
            ("Mssante:WhitelistedDomains:0", "hopital-partenaire.fr"));
        using var provider = new ServiceCollection().AddMssante(configuration.GetSection("Mssante")).Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MssanteOptions>>().Value;
        Assert.Equal("DEV935997", options.ProductReference);
        Assert.False(options.AllowPatientRecipients);
        Assert.Equal(["hopital-partenaire.fr"], options.WhitelistedDomains);
        var policies = provider.GetRequiredService<MssantePolicies>();
        Assert.Equal(RetentionPeriod.Weeks(2), policies.Retention.TrashRetention);
        Assert.Equal(RetentionPeriod.Months(6), policies.Retention.LimitFor("Archives", isTrash: false));
    }

    [Fact]
    public void A_retention_that_does_not_read_as_one_is_a_clear_error_at_start()
    {
        var configuration = Configuration(("Mssante:ProductReference", "DEV935997"), ("Mssante:TrashRetention", "un mois"));
        using var provider = new ServiceCollection().AddMssante(configuration.GetSection("Mssante")).Services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<MssanteOptions>>().Value);
        Assert.Contains("TrashRetention", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_retention_that_does_not_read_as_one_is_a_clear_error_at_start_not_a_folder_kept_forever()
    {
        var configuration = Configuration(("Mssante:ProductReference", "DEV935997"), ("Mssante:FolderRetention:Archives", "6 moths"));
        using var provider = new ServiceCollection().AddMssante(configuration.GetSection("Mssante")).Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MssanteOptions>>().Value);
        Assert.Contains("Mssante:FolderRetention:Archives", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InsecureSkipCertificateValidation", "true")]
    [InlineData("InsecureSkipRevocationCheck", "true")]
    [InlineData("ImapSecurity", "InsecurePlaintext")]
    [InlineData("SmtpSecurity", "InsecurePlaintext")]
    public void Configuration_cannot_weaken_TLS(string key, string value)
    {
        var configuration = Configuration(("Operator:ImapHost", "imap.operateur.mssante.fr"), ($"Operator:{key}", value));
        using var provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddImapOperator(configuration.GetSection("Operator"))
            .Services.BuildServiceProvider();
        var e = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IMssanteOperator>());
        Assert.Contains("from code only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_operator_reads_its_servers_from_configuration_and_takes_certificates_in_code()
    {
        var configuration = Configuration(
            ("Operator:ImapHost", "imap.operateur.mssante.fr"),
            ("Operator:ImapPort", "993"),
            ("Operator:ImapSecurity", "ImplicitTls"),
            ("Operator:SmtpHost", "smtp.operateur.mssante.fr"),
            ("Operator:Timeout", "00:00:45"));
        var seen = RealOperatorOptions(configuration);
        Assert.Equal("imap.operateur.mssante.fr", seen.ImapHost);
        Assert.Equal(993, seen.ImapPort);
        Assert.Equal(ConnectionSecurity.ImplicitTls, seen.ImapSecurity);
        Assert.Equal(TimeSpan.FromSeconds(45), seen.Timeout);
    }

    [Fact]
    public void An_operations_team_turns_the_protocol_log_on_from_configuration()
    {
        var configuration = Configuration(("Operator:ImapHost", "imap.operateur.mssante.fr"), ("Operator:ProtocolLogDirectory", "/var/log/mssante/protocol"));

        Assert.Equal("/var/log/mssante/protocol", RealOperatorOptions(configuration).ProtocolLogDirectory);
        Assert.Empty(RealOperatorOptions(Configuration(("Operator:ImapHost", "imap.operateur.mssante.fr"))).ProtocolLogDirectory);
    }

    [Fact]
    public void The_real_operator_reads_the_domain_to_autoconfigure_from_configuration()
    {
        var configuration = Configuration(
            ("Operator:AutoconfigureDomain", "chu-nantes.mssante.fr"),
            ("Operator:TrustedServerDomains:0", "operateur.example"),
            ("Operator:NameServers:0", "127.0.0.1:5353"));

        var seen = RealOperatorOptions(configuration);
        Assert.Equal("chu-nantes.mssante.fr", seen.AutoconfigureDomain);
        Assert.Equal(["operateur.example"], seen.TrustedServerDomains);
        Assert.Equal(["127.0.0.1:5353"], seen.NameServers);
    }

    /// <summary>The options the real operator was built with from the configuration's "Operator" section.</summary>
    private static ImapOperatorOptions RealOperatorOptions(IConfiguration configuration)
    {
        ImapOperatorOptions? seen = null;
        using var provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddImapOperator(configuration.GetSection("Operator"), o => seen = o)
            .Services.BuildServiceProvider();
        Assert.IsType<ImapOperator>(provider.GetRequiredService<IMssanteOperator>());
        return seen!;
    }

    [Theory]
    [InlineData("30 days", 30, RetentionUnit.Days)]
    [InlineData("1 week", 1, RetentionUnit.Weeks)]
    [InlineData(" 6  mois ", 6, RetentionUnit.Months)]
    [InlineData("2 SEMAINES", 2, RetentionUnit.Weeks)]
    public void A_retention_period_reads_from_its_text(string text, int count, RetentionUnit unit) =>
        Assert.Equal(new RetentionPeriod(count, unit), RetentionPeriod.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("0 days")]
    [InlineData("-3 days")]
    [InlineData("3 years")]
    [InlineData("trente jours")]
    public void Text_that_is_not_a_retention_period_is_refused(string text)
    {
        Assert.False(RetentionPeriod.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RetentionPeriod.Parse(text));
    }
}
