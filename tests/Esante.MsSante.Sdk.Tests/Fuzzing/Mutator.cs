using System.Text;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>
/// Byte and structure mutations of valid inputs, as coverage-less fuzzers make them: bit flips, truncation, duplicated or
/// removed slices, interesting values and long runs inserted, splices with another seed, and token-level changes for text
/// (a delimiter, a digit run or a tag repeated, swapped or replaced). Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class Mutator
{
    /// <summary>Values that sit on boundaries: signs, lengths, encodings, markup and protocol delimiters.</summary>
    private static readonly byte[][] Interesting =
    [
        [0], [0xFF], [0x7F], [0x80], [0xC0], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF], [0xFE, 0xFF],
        "\r\n"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "\r\n\r\n"u8.ToArray(), "\n\nFrom "u8.ToArray(), "From "u8.ToArray(), ">From "u8.ToArray(),
        "-1"u8.ToArray(), "0"u8.ToArray(), "2147483647"u8.ToArray(), "2147483648"u8.ToArray(), "-2147483649"u8.ToArray(),
        "9223372036854775807"u8.ToArray(), "99999999999999999999999"u8.ToArray(), "1e308"u8.ToArray(), "-0"u8.ToArray(), "NaN"u8.ToArray(),
        "253402300800"u8.ToArray(), "-62135596801"u8.ToArray(),
        "\"\\ud800\""u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "null"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(),
        "[[[[[[[[[[[[[[[["u8.ToArray(), "{\"a\":"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "."u8.ToArray(),
        "<"u8.ToArray(), ">"u8.ToArray(), "</"u8.ToArray(), "/>"u8.ToArray(), "&amp;"u8.ToArray(), "&#0;"u8.ToArray(), "&#xD800;"u8.ToArray(), "<![CDATA["u8.ToArray(),
        "<!DOCTYPE x [<!ENTITY e \"ee\">]>"u8.ToArray(), "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"u8.ToArray(), "<?xml version=\"1.0\" encoding=\"x\"?>"u8.ToArray(),
        "xmlns=\"\""u8.ToArray(), "xmlns:a=\"b\""u8.ToArray(),
        "PK\u0003\u0004"u8.ToArray(), "PK\u0001\u0002"u8.ToArray(), "PK\u0005\u0006"u8.ToArray(), [0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF], [0, 0, 0, 0x80],
        "{0}\r\n"u8.ToArray(), "{4294967296}\r\n"u8.ToArray(), "{1+}\r\n"u8.ToArray(), "\"\"\r\n"u8.ToArray(), "(x)"u8.ToArray(), "OK\r\n"u8.ToArray(), "NO\r\n"u8.ToArray(), "BYE\r\n"u8.ToArray(),
        "|"u8.ToArray(), "||||||||"u8.ToArray(), ";"u8.ToArray(), "^"u8.ToArray(), "/"u8.ToArray(), "\\"u8.ToArray(), "="u8.ToArray(), "=?utf-8?b?"u8.ToArray(), "=?x?q?=FF?="u8.ToArray(),
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n"u8.ToArray(), "--b\r\n"u8.ToArray(), "--b--\r\n"u8.ToArray(),
        "BEGIN:VCARD\r\n"u8.ToArray(), "END:VCARD\r\n"u8.ToArray(), "\r\n "u8.ToArray(), "=\r\n"u8.ToArray(),
        "@"u8.ToArray(), "xn--"u8.ToArray(), "a.mssante.fr"u8.ToArray(), "..\\..\\"u8.ToArray(), "/etc/"u8.ToArray(), "\u202E"u8.ToArray(),
    ];

    /// <summary>A mutant of <paramref name="input"/>: one to <paramref name="maxMutations"/> mutations stacked.</summary>
    public static byte[] Mutate(Random random, byte[] input, IReadOnlyList<byte[]> seeds, int maxMutations = 6, int maxLength = 1 << 20)
    {
        var data = new List<byte>(input);
        var count = 1 + random.Next(maxMutations);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(random, data, seeds);
            if (data.Count > maxLength)
            {
                data.RemoveRange(maxLength, data.Count - maxLength);
            }
        }
        return [.. data];
    }

    private static void MutateOnce(Random random, List<byte> data, IReadOnlyList<byte[]> seeds)
    {
        switch (random.Next(data.Count == 0 ? 1 : 14))
        {
            case 0:
                // Insert an interesting value.
                data.InsertRange(Position(random, data), Interesting[random.Next(Interesting.Length)]);
                break;
            case 1:
            {
                // Flip bits.
                var at = random.Next(data.Count);
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            }
            case 2:
                // Replace a byte with any byte.
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 3:
                // Truncate.
            {
                var keep = random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
            }
                break;
            case 4:
            {
                // Remove a slice.
                var (start, length) = Slice(random, data);
                data.RemoveRange(start, length);
                break;
            }
            case 5:
            {
                // Duplicate a slice, possibly many times.
                var (start, length) = Slice(random, data);
                var slice = data.GetRange(start, length);
                var times = random.Next(4) == 0 ? random.Next(2, 200) : 1;
                for (var i = 0; i < times && data.Count < 1 << 20; i++)
                {
                    data.InsertRange(start, slice);
                }
                break;
            }
            case 6:
            {
                // A long run of one byte.
                var length = random.Next(4) == 0 ? random.Next(1000, 70_000) : random.Next(1, 300);
                var b = random.Next(3) switch { 0 => (byte)'A', 1 => (byte)random.Next(256), _ => data[random.Next(data.Count)] };
                data.InsertRange(Position(random, data), Enumerable.Repeat(b, length));
                break;
            }
            case 7:
            {
                // Splice with another seed: this one's head, that one's tail.
                var other = seeds[random.Next(seeds.Count)];
                var cut = Position(random, data);
                data.RemoveRange(cut, data.Count - cut);
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 8:
            {
                // Overwrite with an interesting value (numbers in zip headers, lengths in literals).
                var value = Interesting[random.Next(Interesting.Length)];
                var at = random.Next(data.Count);
                for (var i = 0; i < value.Length && at + i < data.Count; i++)
                {
                    data[at + i] = value[i];
                }
                break;
            }
            case 9:
            {
                // A digit run made larger, negative or huge.
                var at = IndexOf(random, data, b => b is >= (byte)'0' and <= (byte)'9');
                if (at >= 0)
                {
                    var end = at;
                    while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
                    {
                        end++;
                    }
                    data.RemoveRange(at, end - at);
                    var number = random.Next(5) switch
                    {
                        0 => "-1",
                        1 => "99999999999999999999",
                        2 => long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        3 => "253402300800",
                        _ => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    };
                    data.InsertRange(at, Encoding.ASCII.GetBytes(number));
                }
                break;
            }
            case 10:
            {
                // A delimiter or tag duplicated or dropped: the text's structure changes, its words stay.
                var at = IndexOf(random, data, b => b is (byte)'<' or (byte)'>' or (byte)'"' or (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)':' or (byte)';' or (byte)'|' or (byte)'\n' or (byte)',');
                if (at >= 0)
                {
                    if (random.Next(2) == 0)
                    {
                        data.RemoveAt(at);
                    }
                    else
                    {
                        data.Insert(at, data[at]);
                    }
                }
                break;
            }
            case 11:
            {
                // Swap two slices.
                var (a, la) = Slice(random, data);
                var first = data.GetRange(a, la);
                data.RemoveRange(a, la);
                var at = Position(random, data);
                data.InsertRange(at, first);
                break;
            }
            case 12:
            {
                // A line repeated: a header, a capability, a row, a separator.
                var at = IndexOf(random, data, b => b == (byte)'\n');
                if (at >= 0)
                {
                    var start = data.LastIndexOf((byte)'\n', Math.Max(0, at - 1));
                    start = start < 0 ? 0 : start + 1;
                    if (start <= at)
                    {
                        data.InsertRange(at + 1, data.GetRange(start, at - start + 1));
                    }
                }
                break;
            }
            default:
            {
                // Change case or a letter: names and keywords matched exactly.
                var at = IndexOf(random, data, b => char.IsAsciiLetter((char)b));
                if (at >= 0)
                {
                    data[at] = (byte)(data[at] ^ 0x20);
                }
                break;
            }
        }
    }

    private static int Position(Random random, List<byte> data) => random.Next(data.Count + 1);

    private static (int Start, int Length) Slice(Random random, List<byte> data)
    {
        var start = random.Next(data.Count);
        var max = data.Count - start;
        var length = 1 + random.Next(random.Next(3) == 0 ? max : Math.Min(max, 16));
        return (start, length);
    }

    /// <summary>The index of a byte matching <paramref name="match"/>, searching from a random place (wrapping), or -1.</summary>
    private static int IndexOf(Random random, List<byte> data, Func<byte, bool> match)
    {
        var from = random.Next(data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            var at = (from + i) % data.Count;
            if (match(data[at]))
            {
                return at;
            }
        }
        return -1;
    }
}
