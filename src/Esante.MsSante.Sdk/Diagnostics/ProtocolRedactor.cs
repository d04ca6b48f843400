using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Esante.MsSante.Diagnostics;

/// <summary>The protocols whose exchanges the protocol log writes.</summary>
internal enum MailProtocol
{
    Imap,
    Smtp,
    ManageSieve,
}

/// <summary>
/// Turns one connection's protocol lines into lines safe to hand to an operator's support desk. A whitelist: what is
/// recognised as protocol (tags, command names, status words, response codes, capability lists, numbers, UIDs, sizes,
/// flags, standard folder names) is kept, and anything else becomes <c>[redacted N bytes]</c>: sign-in exchanges (LOGIN,
/// AUTHENTICATE/AUTH and their SASL continuations), addresses (MAIL FROM/RCPT TO, envelopes, ACL identifiers, the
/// ManageSieve owner), message content (APPEND, DATA, BDAT and FETCH literals, envelopes, body structures with their file
/// names), METADATA values, Sieve scripts, search criteria and user-made folder and keyword names. Server text (status
/// lines, SMTP replies) goes through <see cref="Redaction.ServerText"/> with every address removed.
/// </summary>
/// <remarks>
/// Folder names: a person makes their own folders and may name one after a patient (« Dupont Jean – suivi »), so only
/// the names every mailbox has (INBOX, Sent, Drafts, Trash, Junk, Archive…) are kept, segment by segment; the owner of a
/// shared mailbox (an address) and every other segment are redacted. The log stays readable (« SELECT "Sent" »,
/// « SELECT "shared/[redacted 29 bytes]/INBOX" ») without naming anyone. Not thread-safe: one per connection, used
/// under the logger's lock.
/// </remarks>
internal sealed partial class ProtocolRedactor(MailProtocol protocol)
{
    /// <summary>The SASL exchange under way: the IMAP tag of the AUTHENTICATE command, or "AUTH"; null when none.</summary>
    private string? _authenticating;

    /// <summary>Whether the line being redacted is the client's (whose redacted strings a server may echo).</summary>
    private bool _fromClient;

    /// <summary>The last ManageSieve command sent.</summary>
    private string? _sieveCommand;

    /// <summary>An SMTP DATA sent and not yet answered: a reply other than 354 means no content follows.</summary>
    private bool _dataPending;

    /// <summary>Set by <see cref="Server"/> when an SMTP server refused DATA, so the client side expects no content.</summary>
    public bool DataRefused { get; set; }

    /// <summary>What replaces <paramref name="byteCount"/> bytes left out.</summary>
    public static string Redacted(int byteCount) => string.Create(CultureInfo.InvariantCulture, $"[redacted {byteCount} bytes]");

    /// <summary>What replaces a whole line or token: its bytes, each literal in it counted at its size rather than its header.</summary>
    private static string Redacted(string text)
    {
        var literals = LiteralHeader().Matches(text);
        var bytes = (long)Encoding.UTF8.GetByteCount(text);
        foreach (Match literal in literals)
        {
            bytes += long.Parse(literal.Groups[1].ValueSpan, CultureInfo.InvariantCulture) - literal.Length;
        }
        return Redacted((int)Math.Clamp(bytes, 0, int.MaxValue));
    }

    /// <summary>Whether the client's line was SMTP's DATA: the message content follows, up to a line holding a single dot.</summary>
    public bool StartsData(string clientLine)
    {
        var data = protocol == MailProtocol.Smtp && clientLine.Trim().Equals("DATA", StringComparison.OrdinalIgnoreCase);
        _dataPending |= data;
        return data;
    }

    /// <summary>The size of the literal a line announces at its end (IMAP and ManageSieve <c>{n}</c>, <c>{n+}</c>; SMTP <c>BDAT n</c>), else null.</summary>
    public long? LiteralAfter(string line, bool fromClient)
    {
        if (protocol == MailProtocol.Smtp)
        {
            var bdat = fromClient ? Bdat().Match(line) : Match.Empty;
            return bdat.Success && long.TryParse(bdat.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var chunk) ? chunk : null;
        }
        var literal = LiteralAtEnd().Match(line);
        return literal.Success && long.TryParse(literal.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
    }

    /// <summary>A client line (a literal inside it is left as its <c>{n}</c> header), made safe.</summary>
    public string Client(string line)
    {
        _fromClient = true;
        return protocol switch
        {
            MailProtocol.Imap => ImapClient(line),
            MailProtocol.Smtp => SmtpClient(line),
            _ => SieveClient(line),
        };
    }

    /// <summary>A server line (a literal inside it is left as its <c>{n}</c> header), made safe.</summary>
    public string Server(string line)
    {
        _fromClient = false;
        return protocol switch
        {
            MailProtocol.Imap => ImapServer(line),
            MailProtocol.Smtp => SmtpServer(line),
            _ => SieveServer(line),
        };
    }

    /// <summary>
    /// Server text safe for the log: <see cref="Redaction.ServerText"/> (patients' addresses, INS and NIR, control
    /// characters, length), then every other address too.
    /// </summary>
    public static string ProtocolText(string? text) => AddressLike().Replace(Redaction.ServerText(text), "[address]");

    // ----- IMAP -----

    private string ImapClient(string line)
    {
        if (_authenticating is not null)
        {
            // A SASL response (credentials, a token), or the "*" that cancels the exchange.
            return Redacted(line);
        }
        if (line.Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            return line;
        }
        var tokens = Tokenize(line);
        if (tokens is null || tokens.Count < 2 || !IsAtom(tokens[0], TagLike()) || !IsAtom(tokens[1], CommandLike()))
        {
            return Redacted(line);
        }
        var command = tokens[1].Text.ToUpperInvariant();
        var first = 2;
        if (command == "UID" && tokens.Count > 2 && IsAtom(tokens[2], CommandLike()))
        {
            command += " " + tokens[2].Text.ToUpperInvariant();
            first = 3;
        }
        var head = string.Join(' ', tokens.Take(first).Select(t => t.Text));
        var args = tokens.Skip(first).ToList();
        string rest;
        switch (command)
        {
            case "AUTHENTICATE":
                _authenticating = tokens[0].Text;
                rest = Mechanism(args);
                break;
            case "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "SUBSCRIBE" or "UNSUBSCRIBE" or "STATUS" or "APPEND"
                or "GETQUOTAROOT" or "MYRIGHTS" or "GETACL" or "LISTRIGHTS" or "GETMETADATA":
                rest = Join(args.Select((t, i) => i == 0 ? Folder(t) : Generic(t)));
                break;
            case "SETMETADATA":
                rest = Join(args.Select((t, i) => i == 0 ? Folder(t) : Generic(t)), metadataValues: true, args);
                break;
            case "SETACL" or "DELETEACL":
                rest = Join(args.Select((t, i) => i == 0 ? Folder(t) : i == 1 ? Redacted(t.Text) : Rights(t)));
                break;
            case "RENAME":
                rest = Join(args.Select(Folder));
                break;
            case "LIST" or "LSUB" or "XLIST":
                // Selection and return options are in parentheses; the reference and the pattern are folder names.
                rest = Join(ImapListArguments(args));
                break;
            case "COPY" or "MOVE" or "UID COPY" or "UID MOVE":
                rest = Join(args.Select((t, i) => i == args.Count - 1 ? Folder(t) : Generic(t)));
                break;
            case "FETCH" or "UID FETCH" or "STORE" or "UID STORE" or "EXPUNGE" or "UID EXPUNGE" or "ENABLE" or "ID" or "CAPABILITY"
                or "NOOP" or "LOGOUT" or "STARTTLS" or "NAMESPACE" or "IDLE" or "CLOSE" or "UNSELECT" or "CHECK" or "COMPRESS" or "GETQUOTA":
                rest = Join(args.Select(Generic));
                break;
            default:
                // LOGIN (user name and password), SEARCH, SORT and THREAD (criteria may name a patient), and anything unknown.
                rest = RedactedRest(line, tokens, first);
                break;
        }
        return rest.Length == 0 ? head : head + " " + rest;
    }

    private IEnumerable<string> ImapListArguments(List<Token> args)
    {
        var depth = 0;
        foreach (var token in args)
        {
            depth += token.Kind == TokenKind.Open ? 1 : 0;
            yield return depth > 0 || (token.Kind == TokenKind.Atom && token.Text.Equals("RETURN", StringComparison.OrdinalIgnoreCase)) ? Generic(token) : Folder(token);
            depth -= token.Kind == TokenKind.Close ? 1 : 0;
        }
    }

    private string ImapServer(string line)
    {
        if (line.StartsWith('+'))
        {
            var text = line.Length > 1 ? line[1..].TrimStart() : string.Empty;
            return _authenticating is not null ? "+ " + Redacted(text) : "+ " + Scrubbed(text);
        }
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return Redacted(line);
        }
        var tag = line[..space];
        if (!TagLike().IsMatch(tag) && tag != "*")
        {
            return Redacted(line);
        }
        var after = line[(space + 1)..];
        var word = after.Split(' ', 2)[0].ToUpperInvariant();
        if (word is "OK" or "NO" or "BAD" or "BYE" or "PREAUTH")
        {
            if (tag == _authenticating)
            {
                _authenticating = null;
            }
            return tag + " " + StatusLine(after);
        }
        if (tag != "*")
        {
            return Redacted(line);
        }
        var tokens = Tokenize(after);
        if (tokens is null || tokens.Count == 0 || tokens[0].Kind != TokenKind.Atom)
        {
            return "* " + Redacted(after);
        }
        if (NumberLike().IsMatch(tokens[0].Text) && tokens.Count > 1 && IsAtom(tokens[1], CommandLike()))
        {
            // * 3 EXISTS, * 3 EXPUNGE, * 3 FETCH (UID 9 FLAGS (\Seen) RFC822.SIZE 1234 ENVELOPE (…) BODY[] {5678})
            return "* " + tokens[0].Text + " " + tokens[1].Text.ToUpperInvariant() + Prefixed(Join(tokens.Skip(2).Select(Generic)));
        }
        var name = tokens[0].Text.ToUpperInvariant();
        var args = tokens.Skip(1).ToList();
        var rest = name switch
        {
            "CAPABILITY" => Join(args.Select(Capability)),
            "LIST" or "LSUB" or "XLIST" => Join(ImapListResponse(args)),
            "STATUS" or "QUOTAROOT" or "MYRIGHTS" => Join(args.Select((t, i) => i == 0 ? Folder(t) : name == "MYRIGHTS" ? Rights(t) : Generic(t))),
            "METADATA" => Join(args.Select((t, i) => i == 0 ? Folder(t) : Generic(t)), metadataValues: true, args),
            "ACL" => Join(args.Select((t, i) => i == 0 ? Folder(t) : i % 2 == 1 ? Redacted(t.Text) : Rights(t))),
            "NAMESPACE" => Join(args.Select(t => t.Kind == TokenKind.Quoted && t.Text.Length > 1 ? Folder(t) : Generic(t))),
            "QUOTA" or "SEARCH" or "ESEARCH" or "FLAGS" or "ENABLED" or "ID" or "VANISHED" or "SORT" or "THREAD" => Join(args.Select(Generic)),
            _ => Redacted(after[tokens[0].Text.Length..].TrimStart()),
        };
        return "* " + (CommandLike().IsMatch(name) ? name : Redacted(name)) + Prefixed(rest);
    }

    private IEnumerable<string> ImapListResponse(List<Token> args)
    {
        // (\HasNoChildren \Sent) "/" "shared/someone@x/INBOX" [extended data]
        var depth = 0;
        var atName = false;
        var index = 0;
        foreach (var token in args)
        {
            depth += token.Kind == TokenKind.Open ? 1 : 0;
            if (depth > 0)
            {
                yield return Generic(token);
            }
            else if (!atName)
            {
                // The hierarchy delimiter: one character or NIL.
                atName = true;
                yield return Generic(token);
            }
            else
            {
                yield return index++ == 0 ? Folder(token) : Generic(token);
            }
            depth -= token.Kind == TokenKind.Close ? 1 : 0;
        }
    }

    /// <summary>"OK [CODE args] text": the status, the code through the token rules, the text as server text.</summary>
    private string StatusLine(string after)
    {
        var space = after.IndexOf(' ', StringComparison.Ordinal);
        var status = (space < 0 ? after : after[..space]).ToUpperInvariant();
        var rest = space < 0 ? string.Empty : after[(space + 1)..];
        var code = string.Empty;
        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                return status + " " + Redacted(rest);
            }
            var inner = rest[1..end];
            var tokens = Tokenize(inner);
            code = tokens is null || tokens.Count == 0 || !IsAtom(tokens[0], CommandLike())
                ? "[" + Redacted(inner) + "]"
                : "[" + tokens[0].Text.ToUpperInvariant() + Prefixed(Join(tokens.Skip(1).Select<Token, string>(tokens[0].Text.Equals("CAPABILITY", StringComparison.OrdinalIgnoreCase) ? Capability : Generic))) + "]";
            rest = rest[(end + 1)..].TrimStart();
        }
        return status + Prefixed(code) + Prefixed(Scrubbed(rest));
    }

    // ----- SMTP -----

    private string SmtpClient(string line)
    {
        if (_authenticating is not null)
        {
            return Redacted(line);
        }
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var rest = space < 0 ? string.Empty : line[(space + 1)..];
        if (!CommandLike().IsMatch(verb))
        {
            return Redacted(line);
        }
        switch (verb)
        {
            case "EHLO" or "HELO" or "LHLO":
                // The client's own host name, or its address literal.
                return verb + Prefixed(HostLike().IsMatch(rest) ? rest : Redacted(rest));
            case "STARTTLS" or "RSET" or "NOOP" or "QUIT" or "DATA":
                return verb + Prefixed(rest.Length == 0 ? string.Empty : Redacted(rest));
            case "AUTH":
                _authenticating = "AUTH";
                var mechanism = rest.Split(' ', 2);
                return verb + " " + (CapabilityLike().IsMatch(mechanism[0]) ? mechanism[0] : Redacted(mechanism[0])) +
                    (mechanism.Length > 1 ? " " + Redacted(mechanism[1]) : string.Empty);
            case "MAIL" or "RCPT":
                return SmtpEnvelope(verb, rest);
            case "BDAT":
                return Bdat().IsMatch(line) ? line.ToUpperInvariant() : verb + Prefixed(Redacted(rest));
            default:
                return verb + Prefixed(rest.Length == 0 ? string.Empty : Redacted(rest));
        }
    }

    /// <summary>MAIL FROM:&lt;a&gt; and RCPT TO:&lt;a&gt;: the address goes, parameters keep their names and their harmless values.</summary>
    private static string SmtpEnvelope(string verb, string rest)
    {
        var match = SmtpPath().Match(rest);
        if (!match.Success)
        {
            return verb + Prefixed(Redacted(rest));
        }
        var path = match.Groups["path"].Value;
        var text = new StringBuilder(verb).Append(' ').Append(match.Groups["to"].Value.ToUpperInvariant()).Append(":<")
            .Append(path.Length == 0 ? string.Empty : Redacted(path)).Append('>');
        foreach (var parameter in rest[match.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? parameter : parameter[..equals]).ToUpperInvariant();
            var value = equals < 0 ? null : parameter[(equals + 1)..];
            text.Append(' ').Append(CapabilityLike().IsMatch(key) ? key : Redacted(key));
            if (value is not null)
            {
                // ORCPT, ENVID and AUTH carry addresses and identifiers; SIZE, BODY, RET and NOTIFY only protocol words.
                text.Append('=').Append(key is "SIZE" or "BODY" or "RET" or "NOTIFY" or "MT-PRIORITY" && ParameterValue().IsMatch(value) ? value : Redacted(value));
            }
        }
        return text.ToString();
    }

    private string SmtpServer(string line)
    {
        var match = SmtpReply().Match(line);
        if (!match.Success)
        {
            return Redacted(line);
        }
        var code = match.Groups[1].Value;
        var text = line[match.Length..];
        if (_dataPending)
        {
            _dataPending = false;
            DataRefused = code != "354";
        }
        if (_authenticating is not null)
        {
            if (code == "334")
            {
                // A SASL challenge, or the error a bearer mechanism returns (it names the account).
                return code + match.Groups[2].Value + Redacted(text);
            }
            _authenticating = null;
        }
        return code + match.Groups[2].Value + Scrubbed(text);
    }

    // ----- ManageSieve -----

    private string SieveClient(string line)
    {
        if (_authenticating is not null)
        {
            return Redacted(line);
        }
        var tokens = Tokenize(line);
        if (tokens is null || tokens.Count == 0 || !IsAtom(tokens[0], CommandLike()))
        {
            return Redacted(line);
        }
        var command = tokens[0].Text.ToUpperInvariant();
        var args = tokens.Skip(1).ToList();
        _sieveCommand = command;
        switch (command)
        {
            case "AUTHENTICATE":
                _authenticating = command;
                return command + Prefixed(Mechanism(args));
            case "STARTTLS" or "LOGOUT" or "CAPABILITY" or "LISTSCRIPTS" or "NOOP" or "UNAUTHENTICATE"
                or "PUTSCRIPT" or "GETSCRIPT" or "SETACTIVE" or "DELETESCRIPT" or "RENAMESCRIPT" or "HAVESPACE" or "CHECKSCRIPT":
                // Script names: the SDK's own is kept; a person's script may be named anything. Scripts (literals) go.
                return command + Prefixed(Join(args.Select(ScriptArgument)));
            default:
                return command + Prefixed(RedactedRest(line, tokens, 1));
        }
    }

    private string SieveServer(string line)
    {
        var tokens = Tokenize(line);
        if (tokens is null || tokens.Count == 0)
        {
            return Redacted(line);
        }
        var first = tokens[0];
        if (first.Kind == TokenKind.Atom && first.Text.ToUpperInvariant() is "OK" or "NO" or "BYE")
        {
            _authenticating = null;
            // The server's reasons for refusing a script quote the script (addresses, out-of-office texts): they go.
            var quotesScript = !first.Text.Equals("OK", StringComparison.OrdinalIgnoreCase) && _sieveCommand is "PUTSCRIPT" or "CHECKSCRIPT";
            return first.Text.ToUpperInvariant() + Prefixed(Join(SieveStatus(tokens.Skip(1).ToList(), quotesScript)));
        }
        if (_authenticating is not null)
        {
            // A SASL challenge.
            return Redacted(line);
        }
        if (first.Kind == TokenKind.Quoted && SieveCapabilities.Contains(first.Text))
        {
            // "SIEVE" "fileinto vacation …", "SASL" "PLAIN OAUTHBEARER"; the OWNER capability names the account, and goes.
            var keep = !first.Text.Equals("OWNER", StringComparison.OrdinalIgnoreCase);
            return "\"" + first.Text + "\"" + Prefixed(Join(tokens.Skip(1).Select(t => keep && t.Kind == TokenKind.Quoted && SieveCapabilityValue().IsMatch(t.Text) ? "\"" + t.Text + "\"" : Generic(t))));
        }
        // LISTSCRIPTS: "name" ACTIVE; GETSCRIPT: {n} and the script.
        return Join(tokens.Select(ScriptArgument));
    }

    /// <summary>OK (CODE args) "text": the code's name and protocol arguments, the text as server text.</summary>
    private IEnumerable<string> SieveStatus(List<Token> tokens, bool redactText)
    {
        var depth = 0;
        var previous = TokenKind.Atom;
        foreach (var token in tokens)
        {
            depth += token.Kind == TokenKind.Open ? 1 : 0;
            yield return depth > 0 && previous == TokenKind.Open && IsAtom(token, SieveCodeLike()) ? token.Text.ToUpperInvariant()
                : depth == 0 && token.Kind == TokenKind.Quoted ? (redactText ? Redacted(token.Text) : "\"" + Scrubbed(token.Text) + "\"")
                : Generic(token);
            depth -= token.Kind == TokenKind.Close ? 1 : 0;
            previous = token.Kind;
        }
    }

    private static readonly HashSet<string> SieveCapabilities = new(
        ["IMPLEMENTATION", "SASL", "SIEVE", "STARTTLS", "NOTIFY", "MAXREDIRECTS", "LANGUAGE", "VERSION", "OWNER", "UNAUTHENTICATE"],
        StringComparer.OrdinalIgnoreCase);

    private string ScriptArgument(Token token) =>
        token.Kind == TokenKind.Quoted && token.Text == Operators.Imap.SieveRulesScript.Name ? "\"" + token.Text + "\"" : Generic(token);

    // ----- shared rules -----

    /// <summary>A SASL mechanism's name is kept; its initial response (credentials, a token) goes.</summary>
    private string Mechanism(List<Token> args) =>
        Join(args.Select((t, i) => i == 0 && (t.Kind is TokenKind.Atom or TokenKind.Quoted) && CapabilityLike().IsMatch(t.Text)
            ? (t.Kind == TokenKind.Quoted ? "\"" + t.Text + "\"" : t.Text)
            : t.Kind == TokenKind.Literal ? Generic(t) : Redacted(t.Text)));

    /// <summary>A token kept when it is protocol, redacted otherwise.</summary>
    private string Generic(Token token) => token.Kind switch
    {
        TokenKind.Open => "(",
        TokenKind.Close => ")",
        TokenKind.Literal => Redacted((int)Math.Min(int.MaxValue, long.Parse(token.Text, CultureInfo.InvariantCulture))),
        TokenKind.Quoted => token.Text.Length == 0 || (token.Text.Length == 1 && !char.IsLetterOrDigit(token.Text[0])) || MetadataEntry().IsMatch(token.Text)
            ? "\"" + token.Text + "\""
            : Remembered(token.Text),
        _ => IsProtocolAtom(token.Text) ? token.Text : Remembered(token.Text),
    };

    /// <summary>
    /// Whether an atom is protocol: NIL, a number or sequence set, a system flag, a $keyword, a METADATA entry, or a word of
    /// the protocol with its [section] and &lt;partial&gt; (BODY.PEEK[HEADER.FIELDS (FROM TO)]&lt;0.100&gt;). Any other atom
    /// may be a person's: a tag is an IMAP keyword made from its name (« MARTIN »), so upper case proves nothing.
    /// </summary>
    private static bool IsProtocolAtom(string atom)
    {
        if (SafeAtom().IsMatch(atom))
        {
            return true;
        }
        var word = ProtocolWord().Match(atom);
        return word.Success && ProtocolWords.Contains(word.Groups["word"].Value);
    }

    /// <summary>The words of IMAP requests and responses the SDK and its servers use (RFC 9051, 4551/7162, 5258, 5819, 4731, 9208), and ManageSieve's ACTIVE.</summary>
    private static readonly HashSet<string> ProtocolWords = new(
        ["UID", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.SIZE", "RFC822.HEADER", "RFC822.TEXT", "ENVELOPE", "BODY", "BODY.PEEK",
            "BODYSTRUCTURE", "BINARY", "BINARY.PEEK", "BINARY.SIZE", "MODSEQ", "EMAILID", "THREADID", "SAVEDATE", "PREVIEW", "ALL",
            "FAST", "FULL", "MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ", "SIZE", "DELETED",
            "DELETED-STORAGE", "APPENDLIMIT", "MIN", "MAX", "COUNT", "TAG", "PARTIAL", "SAVE", "SUBSCRIBED", "CHILDREN",
            "SPECIAL-USE", "REMOTE", "RECURSIVEMATCH", "STATUS", "RETURN", "MYRIGHTS", "STORAGE", "MESSAGE", "CONDSTORE", "QRESYNC",
            "CHANGEDSINCE", "VANISHED", "EARLIER", "UNCHANGEDSINCE", "FLAGS.SILENT", "+FLAGS", "-FLAGS", "+FLAGS.SILENT",
            "-FLAGS.SILENT", "DEFLATE", "MAXSIZE", "DEPTH", "INFINITY", "METADATA", "EXISTS", "EXPUNGE", "FETCH", "ANNOTATION",
            "UTF8=ACCEPT", "UTF8=ONLY", "IMAP4rev2", "ACTIVE"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What was redacted from a line (a folder's name, a quoted string), remembered so that a server echoing it in its
    /// text (« Mailbox doesn't exist: Patients/Dupont ») has it redacted there too.
    /// </summary>
    private string Remembered(string text)
    {
        if (_fromClient && text.Trim().Length >= 3 && _echoes.Count < MaxEchoes)
        {
            _echoes.Add(text.Trim());
        }
        return Redacted(text);
    }

    /// <summary>Server text through <see cref="ProtocolText"/>, then without anything redacted earlier on this connection.</summary>
    private string Scrubbed(string? text)
    {
        var scrubbed = ProtocolText(text);
        // Longest first, so a folder's full name goes before one of its segments.
        foreach (var echo in _echoes.OrderByDescending(e => e.Length))
        {
            scrubbed = scrubbed.Replace(echo, Redacted(echo), StringComparison.OrdinalIgnoreCase);
        }
        return scrubbed;
    }

    private const int MaxEchoes = 256;

    private readonly HashSet<string> _echoes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A capability's name (IMAP4rev1, AUTH=PLAIN, LITERAL+).</summary>
    private string Capability(Token token) =>
        token.Kind == TokenKind.Atom && CapabilityLike().IsMatch(token.Text) ? token.Text : Generic(token);

    /// <summary>ACL rights (RFC 4314: lower-case letters and digits).</summary>
    private string Rights(Token token) =>
        token.Kind is TokenKind.Atom or TokenKind.Quoted && RightsLike().IsMatch(token.Text) ? token.Text : Generic(token);

    /// <summary>A folder name: each segment kept when every mailbox has it (INBOX, Sent…), redacted otherwise.</summary>
    private string Folder(Token token)
    {
        if (token.Kind is not (TokenKind.Atom or TokenKind.Quoted))
        {
            return Generic(token);
        }
        if (token.Kind == TokenKind.Atom && token.Text.Equals("NIL", StringComparison.OrdinalIgnoreCase))
        {
            return token.Text;
        }
        // Split at '/' (Dovecot's separator) and '.' (others'), but an owner's address in a shared path goes whole.
        if (token.Text.Split('/').Any(part => !StandardFolders.Contains(part) && part is not ("" or "*" or "%")))
        {
            // The whole name too, as the server would echo it.
            _ = Remembered(token.Text);
        }
        var safe = string.Join('/', token.Text.Split('/').Select(part => part.Contains('@', StringComparison.Ordinal)
            ? Remembered(part)
            : string.Join('.', part.Split('.').Select(s => s.Length == 0 || s is "*" or "%" || StandardFolders.Contains(s) ? s : Remembered(s)))));
        return token.Kind == TokenKind.Quoted ? "\"" + safe + "\"" : safe;
    }

    /// <summary>The folders every mailbox has, in the names servers and clients commonly give them.</summary>
    private static readonly HashSet<string> StandardFolders = new(
        ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Spam", "Archive", "Archives", "Templates", "Outbox", "Notes", "shared",
            "Sent Messages", "Sent Items", "Deleted Messages", "Deleted Items", "Junk E-mail"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Tokens rendered back, with METADATA values (every second item of a parenthesised list) redacted unless NIL.</summary>
    private string Join(IEnumerable<string> rendered, bool metadataValues, List<Token> tokens)
    {
        var pieces = rendered.ToList();
        if (metadataValues)
        {
            var depth = 0;
            var position = 0;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Kind == TokenKind.Open)
                {
                    depth++;
                    position = 0;
                    continue;
                }
                if (tokens[i].Kind == TokenKind.Close)
                {
                    depth--;
                    continue;
                }
                if (depth > 0 && position++ % 2 == 1 && !(tokens[i].Kind == TokenKind.Atom && tokens[i].Text.Equals("NIL", StringComparison.OrdinalIgnoreCase)))
                {
                    pieces[i] = tokens[i].Kind == TokenKind.Literal ? Generic(tokens[i]) : Redacted(tokens[i].Text);
                }
            }
        }
        return Join(pieces);
    }

    /// <summary>Pieces joined by spaces, none after an opening parenthesis or before a closing one.</summary>
    private static string Join(IEnumerable<string> pieces)
    {
        var text = new StringBuilder();
        foreach (var piece in pieces)
        {
            if (text.Length > 0 && text[^1] != '(' && piece != ")")
            {
                text.Append(' ');
            }
            text.Append(piece);
        }
        return text.ToString();
    }

    /// <summary>Everything after the first <paramref name="kept"/> tokens, as one redaction (literals counted at their size).</summary>
    private static string RedactedRest(string line, List<Token> tokens, int kept)
    {
        if (tokens.Count <= kept)
        {
            return string.Empty;
        }
        var literalBytes = tokens.Skip(kept).Where(t => t.Kind == TokenKind.Literal).Sum(t => long.Parse(t.Text, CultureInfo.InvariantCulture));
        var start = 0;
        for (var i = 0; i < kept; i++)
        {
            start = line.IndexOf(tokens[i].Text, start, StringComparison.OrdinalIgnoreCase) + tokens[i].Text.Length;
        }
        var rest = line[Math.Min(line.Length, Math.Max(0, start))..].Trim();
        return Redacted((int)Math.Min(int.MaxValue, Encoding.UTF8.GetByteCount(rest) + literalBytes));
    }

    private static string Prefixed(string text) => text.Length == 0 ? string.Empty : " " + text;

    private static bool IsAtom(Token token, Regex shape) => token.Kind == TokenKind.Atom && shape.IsMatch(token.Text);

    private enum TokenKind
    {
        Atom,
        Quoted,
        Literal,
        Open,
        Close,
    }

    /// <summary>A token: an atom (with any [section] and &lt;partial&gt;), a quoted string unescaped, a literal's size, or a parenthesis.</summary>
    private readonly record struct Token(TokenKind Kind, string Text);

    /// <summary>A line's tokens, or null when it does not parse (an unterminated string).</summary>
    private static List<Token>? Tokenize(string line)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == ' ')
            {
                i++;
            }
            else if (c == '(')
            {
                tokens.Add(new Token(TokenKind.Open, "("));
                i++;
            }
            else if (c == ')')
            {
                tokens.Add(new Token(TokenKind.Close, ")"));
                i++;
            }
            else if (c == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                    }
                    text.Append(line[i++]);
                }
                if (i >= line.Length)
                {
                    return null;
                }
                i++;
                tokens.Add(new Token(TokenKind.Quoted, text.ToString()));
            }
            else if (c == '{' && LiteralHeader().Match(line, i) is { Success: true } literal && literal.Index == i)
            {
                tokens.Add(new Token(TokenKind.Literal, literal.Groups[1].Value));
                i += literal.Length;
            }
            else
            {
                var start = i;
                var depth = 0;
                while (i < line.Length && (depth > 0 || line[i] is not (' ' or '(' or ')' or '"')))
                {
                    depth += line[i] == '[' ? 1 : line[i] == ']' ? -1 : 0;
                    i++;
                }
                tokens.Add(new Token(TokenKind.Atom, line[start..i]));
            }
        }
        return tokens;
    }

    [GeneratedRegex(@"\{([0-9]{1,18})\+?\}$", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralAtEnd();

    [GeneratedRegex(@"\{([0-9]{1,18})\+?\}", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralHeader();

    [GeneratedRegex(@"^BDAT ([0-9]{1,18})( LAST)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Bdat();

    [GeneratedRegex(@"^[A-Za-z0-9.]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagLike();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9\-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandLike();

    /// <summary>A ManageSieve response code (RFC 5804 §1.3: NONEXISTENT, QUOTA/MAXSIZE, TRANSITION-NEEDED…).</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9\-/]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SieveCodeLike();

    [GeneratedRegex(@"^[0-9]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9=+.\-_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapabilityLike();

    /// <summary>A ManageSieve capability's value: names of extensions, mechanisms, an implementation (« Dovecot (Debian) Pigeonhole »).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9=+.\-_ ();:/,]{0,2000}$", RegexOptions.CultureInvariant)]
    private static partial Regex SieveCapabilityValue();

    [GeneratedRegex(@"^[a-z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex RightsLike();

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-]{0,253})$", RegexOptions.CultureInvariant)]
    private static partial Regex HostLike();

    /// <summary>NIL, a number or sequence set, a system flag, a $keyword, a METADATA entry.</summary>
    [GeneratedRegex(@"^(NIL|[0-9:*,]{1,4000}|\\[A-Za-z*]{1,32}|\$[A-Za-z0-9_\-]{1,32}|/[a-z0-9/._\-]{1,200})$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeAtom();

    /// <summary>A protocol word and its optional [section] (header field names, part numbers) and &lt;partial&gt;.</summary>
    [GeneratedRegex(@"^(?<word>[A-Za-z0-9+\-][A-Za-z0-9.\-_=]{0,63})(\[[A-Z0-9.\-_ ()]{0,2000}\])?(<[0-9.]{1,40}>)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProtocolWord();

    [GeneratedRegex(@"^/[a-z0-9/._\-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex MetadataEntry();

    [GeneratedRegex(@"^[A-Za-z0-9,+.\-_]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterValue();

    [GeneratedRegex(@"^(?<to>FROM|TO):<(?<path>[^>]*)>", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SmtpPath();

    [GeneratedRegex(@"^([2-5][0-9]{2})([ -]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SmtpReply();

    [GeneratedRegex(@"[^\s<>()\[\],;:""']+@[^\s<>()\[\],;:""']+", RegexOptions.CultureInvariant)]
    private static partial Regex AddressLike();
}
