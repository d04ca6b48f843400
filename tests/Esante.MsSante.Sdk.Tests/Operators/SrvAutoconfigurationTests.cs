using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.Operators;

/// <summary>Finding the operator's servers from the mail domain's DNS SRV records (CONF.04, RFC 6186), against a fake DNS server.</summary>
public sealed class SrvAutoconfigurationTests
{
    private const string Domain = "chu-nantes.mssante.fr";

    private static ImapOperatorOptions Options(FakeDnsServer dns, Action<ImapOperatorOptions>? change = null)
    {
        var options = new ImapOperatorOptions { AutoconfigureDomain = Domain, Timeout = TimeSpan.FromSeconds(5) };
        options.NameServers.Add(dns.EndPoint);
        change?.Invoke(options);
        options.Validate();
        return options;
    }

    private static Task<ImapOperatorOptions> ResolveAsync(ImapOperatorOptions options) => SrvAutoconfiguration.ResolveAsync(options, CancellationToken.None);

    /// <summary>A DNS server publishing STARTTLS IMAP and submission on the domain's own hosts.</summary>
    private static FakeDnsServer Published() => new FakeDnsServer()
        .Srv($"_imap._tcp.{Domain}", (10, 0, 143, $"imap.{Domain}."))
        .Srv($"_submission._tcp.{Domain}", (10, 0, 587, $"smtp.{Domain}."));

    [Fact]
    public async Task The_target_with_the_lowest_priority_is_chosen()
    {
        using var dns = Published().Srv($"_imap._tcp.{Domain}", (20, 100, 1143, $"backup.{Domain}."), (10, 1, 2143, $"primary.{Domain}."), (30, 100, 3143, $"last.{Domain}."));

        var options = await ResolveAsync(Options(dns));

        Assert.Equal(($"primary.{Domain}", 2143), (options.ImapHost, options.ImapPort));
    }

    [Fact]
    public void Among_targets_of_equal_priority_the_choice_follows_the_weights()
    {
        SrvTarget light = new(0, 10, 1, "light"), heavy = new(0, 30, 2, "heavy"), zero = new(0, 0, 3, "zero"), later = new(1, 1000, 4, "later");
        SrvTarget[] records = [heavy, later, light, zero];

        // RFC 2782: zero weights first, then a draw from 0 to the sum of the weights picks the first running sum reaching it.
        var sums = new List<int>();
        SrvTarget? ChooseWith(int draw) => SrvAutoconfiguration.Choose(records, new FixedDraw(draw, sums));
        Assert.Equal(zero, ChooseWith(0));
        Assert.Equal(heavy, ChooseWith(1));
        Assert.Equal(heavy, ChooseWith(30));
        Assert.Equal(light, ChooseWith(31));
        Assert.Equal(light, ChooseWith(40));
        Assert.All(sums, sum => Assert.Equal(40, sum));
        // Both ends can be drawn: with two records of weight 1, each is chosen.
        SrvTarget one = new(0, 1, 1, "one"), two = new(0, 1, 2, "two");
        var seen = Enumerable.Range(0, 200).Select(_ => SrvAutoconfiguration.Choose([one, two], Random.Shared)).ToHashSet();
        Assert.Equal(2, seen.Count);

        // With a real draw, three times in four the target of weight 30 rather than the one of weight 10.
        var random = new Random(6186);
        var heavyShare = Enumerable.Range(0, 4000).Count(_ => SrvAutoconfiguration.Choose(records, random) == heavy) / 4000.0;
        Assert.InRange(heavyShare, 0.70, 0.80);
    }

    [Fact]
    public async Task Implicit_TLS_is_preferred_to_STARTTLS_when_both_are_published()
    {
        using var dns = Published()
            .Srv($"_imaps._tcp.{Domain}", (10, 0, 993, $"imap.{Domain}."))
            .Srv($"_submissions._tcp.{Domain}", (10, 0, 465, $"smtp.{Domain}."));

        var options = await ResolveAsync(Options(dns));

        Assert.Equal((993, ConnectionSecurity.ImplicitTls), (options.ImapPort, options.ImapSecurity));
        Assert.Equal(($"smtp.{Domain}", 465, ConnectionSecurity.ImplicitTls), (options.SmtpHost, options.SmtpPort, options.SmtpSecurity));
    }

    [Fact]
    public async Task STARTTLS_is_used_when_implicit_TLS_is_not_published_or_not_offered()
    {
        using var dns = Published().Srv($"_imaps._tcp.{Domain}", (0, 0, 0, "."));

        var options = await ResolveAsync(Options(dns));

        Assert.Equal(($"imap.{Domain}", 143, ConnectionSecurity.StartTls), (options.ImapHost, options.ImapPort, options.ImapSecurity));
        Assert.Equal(($"smtp.{Domain}", 587, ConnectionSecurity.StartTls), (options.SmtpHost, options.SmtpPort, options.SmtpSecurity));
        Assert.Equal(string.Empty, options.AutoconfigureDomain);

        // A record without a port cannot be used either.
        using var portless = Published().Srv($"_imaps._tcp.{Domain}", (0, 0, 0, $"imap.{Domain}."));
        Assert.Equal(ConnectionSecurity.StartTls, (await ResolveAsync(Options(portless))).ImapSecurity);
    }

    [Fact]
    public async Task ManageSieve_comes_from_its_own_record_else_the_IMAP_host_on_port_4190()
    {
        using var withoutSieve = Published();
        var options = await ResolveAsync(Options(withoutSieve));
        Assert.Equal(($"imap.{Domain}", 4190, ConnectionSecurity.StartTls), (options.ManageSieveHost, options.ManageSievePort, options.ManageSieveSecurity));

        using var withSieve = Published().Srv($"_sieve._tcp.{Domain}", (0, 0, 2000, $"sieve.{Domain}."));
        options = await ResolveAsync(Options(withSieve));
        Assert.Equal(($"sieve.{Domain}", 2000), (options.ManageSieveHost, options.ManageSievePort));
    }

    [Fact]
    public async Task A_dot_target_for_every_IMAP_service_says_the_domain_offers_no_IMAP()
    {
        using var dns = Published().Srv($"_imaps._tcp.{Domain}", (0, 0, 0, ".")).Srv($"_imap._tcp.{Domain}", (0, 0, 0, "."));

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => ResolveAsync(Options(dns)));

        Assert.Contains($"{Domain} say it offers no IMAP server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_without_SRV_records_is_a_clear_error_that_shows_no_user()
    {
        using var dns = new FakeDnsServer();
        var imapOperator = new ImapOperator(Options(dns));

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => imapOperator.SignInAsync($"jean.dupont@{Domain}", "secret"));

        Assert.Contains($"{Domain} publishes no DNS SRV record for its IMAP server (_imaps._tcp, _imap._tcp)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jean.dupont", e.Message, StringComparison.Ordinal);
        Assert.Equal([$"_imaps._tcp.{Domain}", $"_imap._tcp.{Domain}"], dns.Queries.Distinct());
    }

    [Fact]
    public async Task A_domain_with_IMAP_but_no_submission_record_is_a_clear_error()
    {
        using var dns = new FakeDnsServer().Srv($"_imap._tcp.{Domain}", (10, 0, 143, $"imap.{Domain}."));

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => ResolveAsync(Options(dns)));

        Assert.Contains("no DNS SRV record for its submission server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DNS_server_that_never_answers_is_a_connection_error_within_the_timeout()
    {
        using var dns = new FakeDnsServer(answers: false);
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => ResolveAsync(Options(dns, o => o.Timeout = TimeSpan.FromSeconds(1))));

        Assert.Contains("did not answer", e.Message, StringComparison.Ordinal);
        Assert.Contains($"_imaps._tcp.{Domain}", e.Message, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        Assert.NotEmpty(dns.Queries);
    }

    [Fact]
    public async Task A_name_server_that_is_not_there_is_a_connection_error()
    {
        string closed;
        using (var gone = new FakeDnsServer())
        {
            closed = gone.EndPoint;
        }
        var options = new ImapOperatorOptions { AutoconfigureDomain = Domain, Timeout = TimeSpan.FromSeconds(1) };
        options.NameServers.Add(closed);

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => ResolveAsync(options));

        Assert.Contains("did not answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_outside_the_mail_domain_is_refused_before_any_connection()
    {
        // What a spoofed answer would do: send the credentials to a host whose own certificate is valid.
        using var dns = Published().Srv($"_imaps._tcp.{Domain}", (0, 0, 993, "imap.attaquant.example."));
        var imapOperator = new ImapOperator(Options(dns));

        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => imapOperator.SignInAsync($"jean.dupont@{Domain}", "secret"));

        Assert.Contains($"_imaps._tcp.{Domain} names the IMAP server imap.attaquant.example", e.Message, StringComparison.Ordinal);
        Assert.Contains("TrustedServerDomains", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jean.dupont", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mssante.fr")]              // a parent of the mail domain is another domain
    [InlineData("evilchu-nantes.mssante.fr")] // a suffix, not a subdomain
    public async Task Only_the_mail_domain_and_its_subdomains_are_accepted_without_configuration(string target)
    {
        using var dns = Published().Srv($"_submission._tcp.{Domain}", (0, 0, 587, target + "."));

        await Assert.ThrowsAsync<MssanteConnectionException>(() => ResolveAsync(Options(dns)));
    }

    [Fact]
    public async Task A_target_in_a_trusted_server_domain_is_accepted()
    {
        using var dns = Published()
            .Srv($"_imaps._tcp.{Domain}", (0, 0, 993, "IMAP.Operateur.example."))
            .Srv($"_submission._tcp.{Domain}", (0, 0, 587, "operateur.example."));

        var options = await ResolveAsync(Options(dns, o => o.TrustedServerDomains.Add("operateur.example")));

        Assert.Equal(("imap.operateur.example", 993), (options.ImapHost, options.ImapPort));
        Assert.Equal("operateur.example", options.SmtpHost);
    }

    [Fact]
    public void The_options_take_either_host_names_or_a_domain()
    {
        Assert.Contains("AutoconfigureDomain", Assert.Throws<ArgumentException>(() => new ImapOperatorOptions().Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new ImapOperatorOptions { AutoconfigureDomain = Domain, SmtpHost = "smtp" }.Validate()).Message, StringComparison.Ordinal);
        var address = Assert.Throws<ArgumentException>(() => new ImapOperatorOptions { AutoconfigureDomain = $"jean.dupont@{Domain}" }.Validate());
        Assert.DoesNotContain("jean.dupont", address.Message, StringComparison.Ordinal);
        var nameServer = new ImapOperatorOptions { AutoconfigureDomain = Domain };
        nameServer.NameServers.Add("dns.example");
        Assert.Contains("NameServers", Assert.Throws<ArgumentException>(nameServer.Validate).Message, StringComparison.Ordinal);

        new ImapOperatorOptions { AutoconfigureDomain = Domain }.Validate();
    }

    /// <summary>A draw fixed by the test; records the sum of the weights it was asked to draw up to.</summary>
    private sealed class FixedDraw(int draw, List<int> sums) : Random
    {
        public override int Next(int maxValue)
        {
            sums.Add(maxValue - 1);
            return draw;
        }
    }
}
