using NextBestAction.OperatorConsole.Customers;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class CustomerFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 6, 40, 0, TimeSpan.Zero);

    [Fact]
    public void Expiry_Ahead_SaysHowLongLeftAndWhen()
    {
        Assert.Equal("expires in 25 min (2026-12-04 07:05:00 UTC)", CustomerFormat.Expiry(Now.AddMinutes(25), Now));
    }

    [Fact]
    public void Expiry_Past_SaysExpired()
    {
        Assert.Equal("expired 2026-12-04 06:39:59 UTC", CustomerFormat.Expiry(Now.AddSeconds(-1), Now));
        Assert.Equal("expired 2026-12-04 06:40:00 UTC", CustomerFormat.Expiry(Now, Now));
    }

    [Fact]
    public void Time_InAnotherOffset_WrittenInUtc()
    {
        Assert.Equal("2026-12-04 06:40:00 UTC", CustomerFormat.Time(new DateTimeOffset(2026, 12, 4, 7, 40, 0, TimeSpan.FromHours(1))));
        Assert.Equal(CustomerFormat.Never, CustomerFormat.Time((DateTimeOffset?)null));
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(40, "40 s")]
    [InlineData(25 * 60 + 59, "25 min")]
    [InlineData(3600, "1 h")]
    [InlineData(3600 + 5 * 60, "1 h 5 min")]
    [InlineData(2 * 86400 + 3 * 3600 + 59, "2 d 3 h")]
    [InlineData(-30, "0 s")]
    public void Duration_TwoLargestUnitsRoundedDown(int seconds, string expected)
    {
        Assert.Equal(expected, CustomerFormat.Duration(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(true, "yes")]
    [InlineData(false, "no")]
    [InlineData(null, CustomerFormat.NotStated)]
    public void Flag_NullIsNotStated(bool? value, string expected)
    {
        Assert.Equal(expected, CustomerFormat.Flag(value));
    }
}
