using System.Text.Json;

namespace Esante.MsSante.Diagnostics;

/// <summary>
/// Values read from what a remote party sent, taken without an exception the SDK does not document: a JSON string escape
/// that is not text (an unpaired surrogate, <c>"\ud800"</c>), a time past year 9999.
/// </summary>
internal static class RemoteValues
{
    /// <summary>A JSON string's text, or null when the value is not a string or its escapes do not make text.</summary>
    public static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to make a string of an unpaired surrogate escape: no valid value holds one.
            return null;
        }
    }

    /// <summary>
    /// Whether every string and property name in a JSON value is text. JSON lets a string escape half a surrogate pair
    /// (<c>"\ud800"</c>): <see cref="JsonDocument"/> parses it, then reading that string or looking up that property throws
    /// <see cref="InvalidOperationException"/>. A remote document that holds one is refused as malformed, as a whole.
    /// </summary>
    public static bool IsText(JsonElement value)
    {
        try
        {
            return Walk(value);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Walk(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                _ = value.GetString();
                return true;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (!Walk(item))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    _ = property.Name;
                    if (!Walk(property.Value))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>A Unix time in seconds, held to the range <see cref="DateTimeOffset"/> has (years 1 to 9999).</summary>
    public static DateTimeOffset UnixTime(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, MinUnixSeconds, MaxUnixSeconds));

    /// <summary><paramref name="start"/> plus a number of seconds, held to <see cref="DateTimeOffset.MaxValue"/>.</summary>
    public static DateTimeOffset After(DateTimeOffset start, long seconds) =>
        seconds >= (DateTimeOffset.MaxValue - start).TotalSeconds ? DateTimeOffset.MaxValue : start.AddSeconds(seconds);

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
}
