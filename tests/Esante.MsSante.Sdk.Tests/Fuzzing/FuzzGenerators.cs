using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>
/// FsCheck generators of the inputs of each reader: valid seeds mutated (<see cref="Mutator"/>), and for the text formats
/// documents generated from their grammar (XML elements, vCard lines, ManageSieve tokens, extraction rows, JSON values),
/// mutated in turn or not. Input <c>i</c> of a reader under a run's seed is always the same input.
/// </summary>
internal static class FuzzGenerators
{
    /// <summary>The input <paramref name="index"/> of <paramref name="target"/> under <paramref name="seed"/>.</summary>
    public static byte[] Input(FuzzTarget target, int seed, long index)
    {
        var generator = For(target);
        var mixed = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xBF58476D1CE4E5B9UL ^ (ulong)StableHash(target.Name));
        return generator.Sample(1, new Rnd(mixed), 20)[0];
    }

    private static readonly Dictionary<string, Gen<byte[]>> Cache = [];

    private static Gen<byte[]> For(FuzzTarget target)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(target.Name, out var gen))
            {
                gen = Build(target);
                Cache[target.Name] = gen;
            }
            return gen;
        }
    }

    private static Gen<byte[]> Build(FuzzTarget target)
    {
        var seeds = target.Seeds;
        var mutated = Gen.Elements(seeds.ToArray()).SelectMany(seed => Gen.Choose(0, int.MaxValue - 1), (seed, r) => Mutator.Mutate(new System.Random(r), seed, seeds));
        var grammar = Grammar(target.Name);
        Gen<byte[]> raw = grammar is null
            ? Gen.Frequency((1, Gen.Elements(seeds.ToArray())), (19, mutated))
            : Gen.Frequency(
                (1, Gen.Elements(seeds.ToArray())),
                (12, mutated),
                (4, grammar),
                (3, grammar.SelectMany(g => Gen.Choose(0, int.MaxValue - 1), (g, r) => Mutator.Mutate(new System.Random(r), g, seeds))));
        return target.Structured is { } rebuild ? raw.Select(rebuild) : raw;
    }

    private static Gen<byte[]>? Grammar(string name) => name switch
    {
        "Whitelist" => Whitelist().Select(Utf8),
        "XdmMetadata" => Xml(new[] { "rim:RegistryPackage", "rim:ExtrinsicObject", "rim:Slot", "rim:ValueList", "rim:Value", "rim:ExternalIdentifier", "rim:Classification", "rim:Name", "rim:LocalizedString" },
            new[] { "id", "mimeType", "name", "value", "identificationScheme", "objectType", "xmlns:rim" }).Select(x => Utf8("<?xml version=\"1.0\"?><lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>" + x + "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>")),
        "VCard" => VCardText().Select(Utf8),
        "ManageSieve" => SieveResponse().Select(Utf8),
        "ExtractionFile" => ExtractionText().Select(Utf8),
        "MboxImport" => Mbox().Select(Utf8),
        "MdnDsnReading" => Report().Select(Utf8),
        "MailboxSettings" => Gen.Frequency((1, JsonObject(3)), (2, Gen.ListOf(JsonObject(2)).Select(items => "[" + string.Join(',', items) + "]"))).Select(Utf8),
        "SieveRulesScript" => JsonObject(3).Select(json => Utf8("require [\"vacation\"];\r\n# esante-mssante-rules v1 " + Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) + "\r\nkeep;\r\n")),
        "PscTokenResponse" or "PscUserInfo" or "PscJwks" or "PscIdTokenClaims" or "FhirBundle" => JsonObject(3).Select(Utf8),
        _ => null,
    };

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s)
        {
            h = unchecked(h * 31 + c);
        }
        return h;
    }

    /// <summary>Short strings with the characters parsers trip on: delimiters, controls, surrogates, non-ASCII letters.</summary>
    private static Gen<string> Word() =>
        Gen.Frequency(
            (6, Gen.Elements("a.fr", "hopital-partenaire.fr", "x", "mssante.fr", "é", "xn--e-9a.fr", "-a.fr", "a..fr", "", " ", "0", "-1", "9999999999999",
                "253402300800", "Bearer", "eidas1", "true", "null", "FIN", "VCARD", "FN", "OK", "NO", "BYE", "SIEVE", "SASL", "PLAIN", "STARTTLS", "ACTIVE")),
            (3, Gen.ArrayOf(Gen.Elements('a', 'Z', '0', '.', '-', '@', ';', ':', ',', '\\', '"', '\'', '<', '>', '&', '^', '|', '/', ' ', '\t', '\r', '\n', '\0', 'é', '\u202E', '\uD800', '\uDC00', '\uFFFF', '\u0085'))
                .Select(chars => new string(chars))));

    private static Gen<string> Whitelist() =>
        Gen.ListOf(Gen.Frequency(
                (5, Word().Select(w => $"<Domaine><Nom>{w}</Nom></Domaine>")),
                (2, Gen.ListOf(Word()).Select(ws => "<Domaine>" + string.Concat(ws.Select(w => $"<Nom>{w}</Nom>")) + "</Domaine>")),
                (1, Word().Select(w => $"<Nom>{w}</Nom>")),
                (1, Word().Select(w => $"<Domaine><Autre><Nom>{w}</Nom></Autre></Domaine>")),
                (1, Word().Select(w => $"<Domaine/><!-- {w} --><![CDATA[{w}]]>")),
                (1, Word().Select(w => $"<Domaine><Nom><![CDATA[{w}]]></Nom></Domaine>"))))
            .Select(items => "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListeBlanche xmlns=\"https://listeblanche.mssante.fr/schema\">" + string.Concat(items) + "</ListeBlanche>");

    private static Gen<string> Xml(string[] elements, string[] attributes)
    {
        var attribute = Gen.Elements(attributes).SelectMany(_ => Word(), (a, w) => $" {a}=\"{w.Replace("\"", "&quot;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("&", "&amp;", StringComparison.Ordinal)}\"");
        return Gen.ListOf(Gen.Elements(elements).SelectMany(_ => Gen.ListOf(attribute), (e, a) => (e, a)).SelectMany(_ => Word(), (ea, w) => $"<{ea.e}{string.Concat(ea.a)}>{System.Security.SecurityElement.Escape(w)}</{ea.e}>"))
            .Select(string.Concat);
    }

    private static Gen<string> VCardText() =>
        Gen.ListOf(Gen.Elements("BEGIN", "END", "FN", "EMAIL", "TEL", "ORG", "TITLE", "NOTE", "X-RPPS", "item1.FN", "FN;CHARSET=UTF-8", "VERSION", "", ":")
                .SelectMany(_ => Word(), (n, w) => (n, w)).SelectMany(_ => Gen.Elements("\r\n", "\n", "\r\n ", "\r\n\t", ""), (nw, end) => $"{nw.n}:{nw.w}{end}"))
            .Select(lines => "BEGIN:VCARD\r\n" + string.Concat(lines) + "END:VCARD\r\n");

    private static Gen<string> SieveToken() =>
        Gen.Frequency(
            (4, Word().Select(w => "\"" + w.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")),
            (2, Word().SelectMany(_ => Gen.Choose(-2, 8), (w, d) => $"{{{Math.Max(0, Encoding.UTF8.GetByteCount(w) + d)}{(d % 2 == 0 ? "+" : string.Empty)}}}\r\n{w}")),
            (2, Word()),
            (1, Word().Select(w => $"({w})")));

    private static Gen<string> SieveResponse() =>
        Gen.ListOf(Gen.ListOf(SieveToken()).Select(ts => string.Join(' ', ts) + "\r\n"))
            .SelectMany(_ => Gen.Elements("OK", "NO", "BYE", "ok", "NO (NONEXISTENT)", "OK (WARNINGS) \"w\""), (lines, status) => string.Concat(lines) + status + "\r\n")
            .SelectMany(_ => Gen.Choose(1, 6), (response, times) => string.Concat(Enumerable.Repeat(response, times)));

    private static Gen<string> ExtractionText() =>
        Gen.ListOf(Gen.ListOf(Word()).Select(cells => string.Join('|', cells.Select(c => c.Replace("|", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal))) + "\n"))
            .Select(rows => Esante.MsSante.Directory.ExtractionColumns.HeaderLine + "\n" + string.Concat(rows));

    private static Gen<string> Mbox() =>
        Gen.ListOf(Gen.Elements("From a Thu Nov  6 09:05:00 2026\n", "From \n", "From a Thu Nov 31 25:61:61 99999\n", ">From x\n", "\n", "Subject: x\n", "From: a@b.fr\n", "\r\n", "body\n", "From "))
            .Select(parts => "From x Thu Nov  6 09:05:00 2026\n" + string.Concat(parts));

    private static Gen<string> Report() =>
        Gen.ListOf(Gen.Elements("Original-Message-ID", "Final-Recipient", "Disposition", "Error", "Reporting-UA", "Action", "Status")
                .SelectMany(_ => Word(), (n, w) => $"{n}: {w.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)}\r\n"))
            .SelectMany(_ => Gen.Elements("disposition-notification", "delivery-status", "x"), (fields, type) =>
                $"From: a@b.mssante.fr\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type={type}; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n" +
                $"Content-Type: message/{(type == "x" ? "disposition-notification" : type)}\r\n\r\n{string.Concat(fields)}\r\n--b--\r\n");

    private static Gen<string> JsonValue(int depth) =>
        depth <= 0
            ? Gen.Frequency((3, Word().Select(w => System.Text.Json.JsonSerializer.Serialize(w))), (2, Gen.Elements("0", "-1", "1e400", "253402300800", "9223372036854775808", "true", "null", "\"\\ud800\"", "1.5", "[]", "{}")))
            : Gen.Frequency((3, JsonValue(0)), (1, JsonObject(depth - 1)), (1, Gen.ListOf(JsonValue(depth - 1)).Select(vs => "[" + string.Join(',', vs) + "]")));

    private static Gen<string> JsonObject(int depth) =>
        Gen.ListOf(Gen.Elements("access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "id_token", "error", "error_description",
                "keys", "kty", "kid", "use", "alg", "n", "e", "x", "y", "crv", "iss", "aud", "azp", "sub", "exp", "iat", "nbf", "nonce", "acr", "SubjectNameID",
                "resourceType", "entry", "AutoReply", "Subject", "Text", "FirstDay", "LastDay", "Notify", "Include", "Forward", "DropForwardedCopy",
                "signatures", "name", "text", "defaultName", "position", "count", "unit", "colour", "INBOX", "resource", "id", "link", "relation", "url", "telecom", "practitioner", "organization", "search", "mode", "extension")
            .SelectMany(_ => JsonValue(depth), (k, v) => $"\"{k}\":{v}"))
            .Select(members => "{" + string.Join(',', members) + "}");
}
