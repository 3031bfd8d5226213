namespace NextBestAction.Decisioning.Models;

/// <summary>
/// A model file cannot be used. <see cref="Errors"/> holds every problem found, each starting with the JSON path of the
/// field (<c>trees[3].left[2]: ...</c>); the message lists them all.
/// </summary>
public sealed class ModelArtifactException : Exception
{
    public ModelArtifactException(IReadOnlyList<string> errors, string? source = null)
        : base(Describe(errors, source)) => Errors = errors;

    public ModelArtifactException()
        : this("the model cannot be used")
    {
    }

    public ModelArtifactException(string message)
        : base(message) => Errors = [message];

    public ModelArtifactException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors, string? source) =>
        source is null ? string.Join(Environment.NewLine, errors) : string.Join(Environment.NewLine, errors.Select(e => $"{source}: {e}"));
}
