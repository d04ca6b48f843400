namespace Esante.MsSante.Testing;

/// <summary>A clock that moves only when a test says so. The fake operator uses one unless it is given another <see cref="TimeProvider"/>.</summary>
public sealed class FakeOperatorClock : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset _now;

    /// <summary>Creates a clock at <paramref name="start"/> (the system's current time when null).</summary>
    public FakeOperatorClock(DateTimeOffset? start = null) => _now = start ?? System.GetUtcNow();

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate)
        {
            _now += delta;
        }
    }
}
