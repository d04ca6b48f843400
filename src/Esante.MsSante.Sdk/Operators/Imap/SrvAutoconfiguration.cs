using System.Globalization;
using DnsClient;

namespace Esante.MsSante.Operators.Imap;

/// <summary>A server found in DNS: where it is and how it is secured.</summary>
internal readonly record struct MailServer(string Host, int Port, ConnectionSecurity Security);

/// <summary>One SRV record (RFC 2782), its target without the final dot ("" when the target is ".").</summary>
internal readonly record struct SrvTarget(int Priority, int Weight, int Port, string Host);

/// <summary>
/// Finds the operator's servers from the mail domain's DNS SRV records (CONF.04): RFC 6186, RFC 8314 §5.1 for the
/// implicit-TLS services, RFC 5804 §1.8 for ManageSieve. See <see cref="ImapOperatorOptions.AutoconfigureDomain"/> for the
/// rules, the security one included.
/// </summary>
internal static class SrvAutoconfiguration
{
    private const int DefaultManageSievePort = 4190;

    // Per service, best first: implicit TLS, then STARTTLS (RFC 8314 §5.1); never a plaintext one.
    private static readonly (string Name, ConnectionSecurity Security)[] ImapServices =
        [("_imaps._tcp", ConnectionSecurity.ImplicitTls), ("_imap._tcp", ConnectionSecurity.StartTls)];

    private static readonly (string Name, ConnectionSecurity Security)[] SubmissionServices =
        [("_submissions._tcp", ConnectionSecurity.ImplicitTls), ("_submission._tcp", ConnectionSecurity.StartTls)];

    private static readonly (string Name, ConnectionSecurity Security)[] ManageSieveServices =
        [("_sieve._tcp", ConnectionSecurity.StartTls)];

    /// <summary>The options with the servers the SRV records of <see cref="ImapOperatorOptions.AutoconfigureDomain"/> name.</summary>
    /// <exception cref="MssanteConnectionException">
    /// No record names an IMAP or a submission server, the records say the service is not offered, a target is outside the
    /// allowed domains, or the DNS servers did not answer in time.
    /// </exception>
    public static async Task<ImapOperatorOptions> ResolveAsync(ImapOperatorOptions options, CancellationToken cancellationToken)
    {
        var domain = TryNormalize(options.AutoconfigureDomain) ?? throw new ArgumentException($"{nameof(options.AutoconfigureDomain)} is not a valid domain name.");
        var allowed = options.TrustedServerDomains.Select(d => TryNormalize(d)!).Prepend(domain).ToArray();
        var nameServers = options.NameServerEndPoints();
        var lookup = nameServers.Length > 0 ? new LookupClientOptions(nameServers) : new LookupClientOptions();
        // Three tries share the operation's timeout; the caller keeps the result, so DnsClient's cache would only hold stale answers.
        lookup.Timeout = options.Timeout / 3;
        lookup.Retries = 2;
        lookup.UseCache = false;
        lookup.ThrowDnsErrors = false;
        var dns = new LookupClient(lookup);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            var imap = await FindAsync(dns, domain, allowed, ImapServices, "IMAP", deadline.Token).ConfigureAwait(false)
                ?? throw NotPublished(domain, ImapServices, "IMAP");
            var submission = await FindAsync(dns, domain, allowed, SubmissionServices, "submission", deadline.Token).ConfigureAwait(false)
                ?? throw NotPublished(domain, SubmissionServices, "submission");
            var manageSieve = await FindAsync(dns, domain, allowed, ManageSieveServices, "ManageSieve", deadline.Token).ConfigureAwait(false)
                ?? new MailServer(imap.Host, DefaultManageSievePort, ConnectionSecurity.StartTls);
            return options.WithServers(imap, submission, manageSieve);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MssanteConnectionException($"The DNS servers did not answer the SRV queries for {domain} in time: check the network and the name servers.", e);
        }
    }

    /// <summary>
    /// RFC 2782's choice among one service's records: the lowest priority, then at random in proportion to the weights
    /// (a weight of 0 is chosen only rarely). Null when no record has a target other than ".".
    /// </summary>
    /// <param name="records">The service's records.</param>
    /// <param name="random">The draw: from 0 to the sum of the weights, both included.</param>
    public static SrvTarget? Choose(IEnumerable<SrvTarget> records, Random random)
    {
        var usable = records.Where(r => r.Host.Length > 0).ToList();
        if (usable.Count == 0)
        {
            return null;
        }
        var priority = usable.Min(r => r.Priority);
        // Zero weights first, as RFC 2782 orders them, so that they are picked only when the draw is 0.
        var candidates = usable.Where(r => r.Priority == priority).OrderBy(r => r.Weight > 0).ToList();
        var draw = random.Next(candidates.Sum(r => r.Weight) + 1);
        var running = 0;
        foreach (var candidate in candidates)
        {
            running += candidate.Weight;
            if (running >= draw)
            {
                return candidate;
            }
        }
        return candidates[^1];
    }

    /// <summary>Whether a target is one of the allowed domains or a subdomain of one (all normalised).</summary>
    public static bool IsAllowed(string host, IEnumerable<string> allowedDomains) =>
        allowedDomains.Any(d => host.Equals(d, StringComparison.Ordinal) || host.EndsWith("." + d, StringComparison.Ordinal));

    /// <summary>A domain name in the form DNS answers carry it: ASCII (punycode), lower case, without the final dot; null when it is not a valid one.</summary>
    public static string? TryNormalize(string? domain)
    {
        var trimmed = domain?.Trim().TrimEnd('.');
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        try
        {
            return new IdnMapping().GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The best service of a kind the records offer, checked against the allowed domains; null when none is published or offered.</summary>
    private static async Task<MailServer?> FindAsync(LookupClient dns, string domain, string[] allowed, (string Name, ConnectionSecurity Security)[] services, string protocol, CancellationToken cancellationToken)
    {
        var notOffered = false;
        foreach (var (service, security) in services)
        {
            var name = $"{service}.{domain}";
            var records = await QueryAsync(dns, name, cancellationToken).ConfigureAwait(false);
            var refused = records.Select(r => r.Host).FirstOrDefault(host => host.Length > 0 && !IsAllowed(host, allowed));
            if (refused is not null)
            {
                throw new MssanteConnectionException(
                    $"The DNS SRV record {name} names the {protocol} server {refused}, which is neither in {domain} nor in TrustedServerDomains: " +
                    "refused, since an unauthenticated DNS answer could send the credentials to someone else's server (RFC 6186 §6). " +
                    "If it is the operator's server, add its domain to TrustedServerDomains.");
            }
            if (Choose(records, Random.Shared) is { } chosen)
            {
                return new MailServer(chosen.Host, chosen.Port, security);
            }
            notOffered |= records.Count > 0;
        }
        return notOffered
            ? throw new MssanteConnectionException($"The DNS SRV records of {domain} say it offers no {protocol} server (target \".\" for {string.Join(" and ", services.Select(s => s.Name))}).")
            : null;
    }

    private static MssanteConnectionException NotPublished(string domain, (string Name, ConnectionSecurity Security)[] services, string protocol) =>
        new($"{domain} publishes no DNS SRV record for its {protocol} server ({string.Join(", ", services.Select(s => s.Name))}): " +
            "ask the operator for its host names and set them instead of AutoconfigureDomain.");

    private static async Task<List<SrvTarget>> QueryAsync(LookupClient dns, string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            throw new MssanteConnectionException($"The DNS servers did not answer the SRV query for {name} ({e.Code}): check the network and the name servers.", e);
        }
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            throw new MssanteConnectionException($"The DNS servers could not answer the SRV query for {name} ({response.Header.ResponseCode}).");
        }
        // A record without a port (0) cannot be connected to: it counts as no target, like ".".
        return [.. response.Answers.SrvRecords().Select(r => new SrvTarget(r.Priority, r.Weight, r.Port, r.Port == 0 ? string.Empty : TryNormalize(r.Target.Value) ?? string.Empty))];
    }
}
