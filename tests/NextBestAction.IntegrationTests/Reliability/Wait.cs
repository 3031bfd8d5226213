namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>Bounded polling: every wait in these tests ends, and the caller asserts on the outcome.</summary>
internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="maxWait"/> ran out; true when it held.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan maxWait, TimeSpan poll)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(poll);
        }
    }
}
