using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// The Sieve script (RFC 5228) through which a real operator applies a mailbox's <see cref="MailboxRules"/>: patients'
/// messages filed into their folder (unless forwarded without a local copy), the forwarding (redirect, with RFC 3894 copy
/// when the mailbox keeps its own), a content-free notice (RFC 5435/5436 enotify mailto), the out-of-office reply (RFC 5230
/// vacation, within its days by RFC 5260 currentdate), then the script the person had before, by inclusion (RFC 6609).
/// The rules themselves ride along in a comment line, so reading them back never means parsing Sieve.
/// </summary>
internal static partial class SieveRulesScript
{
    /// <summary>The script's name on the server.</summary>
    public const string Name = "esante-mssante";

    /// <summary>The Sieve extensions a script for these rules needs (the person's script is included only where the server can).</summary>
    public static IReadOnlyList<string> ExtensionsFor(MailboxRules rules)
    {
        var extensions = new List<string> { "fileinto", "mailbox" };
        if (rules.ForwardTo is not null && rules.KeepForwardedCopy)
        {
            extensions.Add("copy");
        }
        if (rules.NotificationAddress is not null)
        {
            extensions.Add("enotify");
        }
        if (rules.AutoReply is { } reply)
        {
            extensions.Add("vacation");
            if (reply.FirstDay is not null || reply.LastDay is not null)
            {
                extensions.AddRange(["date", "relational"]);
            }
        }
        return extensions;
    }

    private const string Marker = "# esante-mssante-rules v1 ";

    /// <summary>Writes the script.</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="mailbox">The mailbox's address (the out-of-office reply answers mail sent to it).</param>
    /// <param name="patientFolder">Where messages from patients go.</param>
    /// <param name="included">The person's own script to run after these rules, if any.</param>
    /// <param name="canInclude">Whether the server runs the include extension (else the person's script cannot be kept).</param>
    public static string Compose(MailboxRules rules, string mailbox, string patientFolder, string? included, bool canInclude = true)
    {
        included = canInclude ? included : null;
        // Forwarded without a local copy, the person's own script does not run: its keep or fileinto would bring the copy
        // back. It is still remembered, and runs again once the forwarding keeps a copy or stops.
        var runsIncluded = included is not null && (rules.ForwardTo is null || rules.KeepForwardedCopy);
        var extensions = ExtensionsFor(rules).Concat(runsIncluded ? ["include"] : []);
        var json = JsonSerializer.Serialize(new Stored(rules.AutoReply, rules.NotificationAddress, included, rules.ForwardTo, rules.ForwardTo is null || rules.KeepForwardedCopy ? null : true), StoredJson.Default.Stored);
        var script = new StringBuilder()
            .Append("# Règles de la boîte MSSanté écrites par Esante.MsSante : modifiez-les par le SDK, pas ici.\r\n")
            .Append(Marker).Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(json))).Append("\r\n")
            .Append("require [").AppendJoin(", ", extensions.Select(Quote)).Append("];\r\n");
        if (rules.ForwardTo is null || rules.KeepForwardedCopy)
        {
            script.Append("if address :domain :is \"from\" ").Append(Quote(MssanteAddress.PatientDomain)).Append(" {\r\n")
                .Append("  fileinto :create ").Append(Quote(patientFolder)).Append(";\r\n")
                .Append("}\r\n");
        }
        if (rules.ForwardTo is { } forwardTo)
        {
            // Without :copy the redirect cancels the implicit keep: the mailbox keeps nothing (« Supprimer la copie locale »).
            script.Append(rules.KeepForwardedCopy ? "redirect :copy " : "redirect ").Append(Quote(forwardTo)).Append(";\r\n");
        }
        if (rules.NotificationAddress is { } notify)
        {
            // The notice's text is fixed: nothing of the message (sender, subject, content) leaves the trust space.
            script.Append("notify :message ").Append(Quote($"Nouveau message dans la boîte MSSanté {mailbox}"))
                .Append(' ').Append(Quote(MailtoUri(notify))).Append(";\r\n");
        }
        if (rules.AutoReply is { } reply)
        {
            var window = new List<string>();
            if (reply.FirstDay is { } first)
            {
                window.Add($"currentdate :value \"ge\" \"date\" {Quote(first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}");
            }
            if (reply.LastDay is { } last)
            {
                window.Add($"currentdate :value \"le\" \"date\" {Quote(last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}");
            }
            var vacation = $"vacation :days {reply.DaysBetweenReplies.ToString(CultureInfo.InvariantCulture)} :subject {Quote(reply.Subject)} :addresses [{Quote(mailbox)}] {Quote(reply.Text)};\r\n";
            script.Append(window.Count == 0 ? vacation : $"if allof ({string.Join(", ", window)}) {{\r\n  {vacation}}}\r\n");
        }
        if (runsIncluded)
        {
            script.Append("include :personal ").Append(Quote(included!)).Append(";\r\n");
        }
        return script.ToString();
    }

    /// <summary>The rules a script of ours carries, or null when the script is not ours (or was edited beyond reading).</summary>
    public static (MailboxRules Rules, string? Included)? Read(string script)
    {
        var line = script.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }
        try
        {
            var stored = JsonSerializer.Deserialize(Convert.FromBase64String(line[Marker.Length..].Trim()), StoredJson.Default.Stored);
            return stored is null ? null : (new MailboxRules
            {
                AutoReply = stored.AutoReply,
                NotificationAddress = stored.Notify,
                ForwardTo = stored.Forward,
                KeepForwardedCopy = stored.DropForwardedCopy != true,
            }, stored.Include);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A Sieve quoted string: backslash and double quote escaped, every line break written CRLF (the only one RFC 5228 §2.4.2
    /// allows), NUL dropped.
    /// </summary>
    internal static string Quote(string value) =>
        "\"" + value.Replace("\0", string.Empty, StringComparison.Ordinal)
            .Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal)
            .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A mailto URI (RFC 6068): every character outside the unreserved ones and '@' percent-encoded.</summary>
    internal static string MailtoUri(string address)
    {
        var uri = new StringBuilder("mailto:");
        foreach (var b in Encoding.UTF8.GetBytes(address))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'@' or (byte)'.' or (byte)'-' or (byte)'_' or (byte)'~')
            {
                uri.Append((char)b);
            }
            else
            {
                uri.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return uri.ToString();
    }

    // Forward and DropForwardedCopy came after v1's first scripts, which read back without them.
    internal sealed record Stored(AutoReply? AutoReply, string? Notify, string? Include, string? Forward = null, bool? DropForwardedCopy = null);

    // Source-generated, so the script reads and writes without reflection in a trimmed or native AOT application.
    [JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(Stored))]
    private sealed partial class StoredJson : JsonSerializerContext;
}
