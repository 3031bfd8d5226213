using NextBestAction.Decisioning.Engine;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class ContactHistoryTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;

    [Fact]
    public void FromFields_CountsTodayAndSevenDaysAndDeclines_SkipsOldAndMalformed()
    {
        var day = ContactHistory.DayNumber(Now);
        var fields = new Dictionary<string, long>
        {
            [ContactHistory.ImpressionField(day, "a")] = 2,
            [ContactHistory.ImpressionField(day - 3, "a")] = 1,
            [ContactHistory.ImpressionField(day - 7, "a")] = 50,
            [ContactHistory.ImpressionField(day, ContactHistory.OverallField)] = 3,
            [ContactHistory.ImpressionField(day - 6, ContactHistory.OverallField)] = 4,
            [ContactHistory.DeclineField("b")] = Now.AddHours(-2).ToUnixTimeSeconds(),
            ["i:notaday:a"] = 9,
            ["x:something"] = 9,
        };

        var history = ContactHistory.FromFields(fields, Now);

        Assert.Equal((2, 3), history.Shown("a"));
        Assert.Equal((0, 0), history.Shown("b"));
        Assert.Equal((3, 7), (history.OverallToday, history.OverallWeek));
        Assert.Equal(Now.AddHours(-2), history.LastDeclined("b"));
        Assert.Null(history.LastDeclined("a"));
    }

    [Fact]
    public void ImpressionField_DayHasFiveDigits_ForTheScriptsPruning()
    {
        Assert.Matches(@"^i:\d{5}:a$", ContactHistory.ImpressionField(ContactHistory.DayNumber(Now), "a"));
    }
}
