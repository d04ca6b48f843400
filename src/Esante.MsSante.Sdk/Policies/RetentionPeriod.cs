using System.Globalization;

namespace Esante.MsSante.Policies;

/// <summary>How long messages are kept in a folder before they are discarded (« mise au rebut »): a count of days, weeks or months.</summary>
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
}
