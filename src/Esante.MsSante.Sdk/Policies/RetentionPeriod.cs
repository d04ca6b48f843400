using System.ComponentModel;
using System.Globalization;

namespace Esante.MsSante;

/// <summary>How long messages are kept in a folder before they are discarded (« mise au rebut »): a count of days, weeks or months.</summary>
[TypeConverter(typeof(RetentionPeriodConverter))]
public readonly record struct RetentionPeriod
{
    /// <summary>Creates a period.</summary>
    /// <param name="count">How many units; at least 1.</param>
    /// <param name="unit">The unit.</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1 or the unit is unknown.</exception>
    public RetentionPeriod(int count, RetentionUnit unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit));
        }
        Count = count;
        Unit = unit;
    }

    /// <summary>How many units.</summary>
    public int Count { get; }

    /// <summary>The unit.</summary>
    public RetentionUnit Unit { get; }

    /// <summary>A period of <paramref name="count"/> days.</summary>
    public static RetentionPeriod Days(int count) => new(count, RetentionUnit.Days);

    /// <summary>A period of <paramref name="count"/> weeks.</summary>
    public static RetentionPeriod Weeks(int count) => new(count, RetentionUnit.Weeks);

    /// <summary>A period of <paramref name="count"/> calendar months.</summary>
    public static RetentionPeriod Months(int count) => new(count, RetentionUnit.Months);

    /// <summary>When a message stored at <paramref name="storedAt"/> expires.</summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset storedAt) => Unit switch
    {
        RetentionUnit.Days => storedAt.AddDays(Count),
        RetentionUnit.Weeks => storedAt.AddDays(7.0 * Count),
        _ => storedAt.AddMonths(Count),
    };

    /// <summary>For example "30 days".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count} {Unit.ToString().ToLowerInvariant()}");

    /// <summary>
    /// Reads a period written as a count and a unit: <c>30 days</c>, <c>2 weeks</c>, <c>6 months</c> (singular too), or in
    /// French <c>30 jours</c>, <c>2 semaines</c>, <c>6 mois</c> — as configuration files write it.
    /// </summary>
    /// <exception cref="FormatException">The text is not a positive count followed by one of those units.</exception>
    public static RetentionPeriod Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException("A retention period reads like '30 days', '2 weeks' or '6 months' (or 'jours', 'semaines', 'mois').");

    /// <summary>Reads a period as <see cref="Parse"/> does; false when the text is not one.</summary>
    public static bool TryParse(string? text, out RetentionPeriod period)
    {
        period = default;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return false;
        }
        RetentionUnit? unit = parts[1].ToLowerInvariant() switch
        {
            "day" or "days" or "jour" or "jours" => RetentionUnit.Days,
            "week" or "weeks" or "semaine" or "semaines" => RetentionUnit.Weeks,
            "month" or "months" or "mois" => RetentionUnit.Months,
            _ => null,
        };
        if (unit is null)
        {
            return false;
        }
        period = new RetentionPeriod(count, unit.Value);
        return true;
    }
}

/// <summary>Converts configuration text (<c>30 days</c>) to a <see cref="RetentionPeriod"/>, for options bound from configuration.</summary>
public sealed class RetentionPeriodConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? RetentionPeriod.Parse(text) : base.ConvertFrom(context, culture, value);
}
