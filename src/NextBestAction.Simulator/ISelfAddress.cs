namespace NextBestAction.Simulator;

/// <summary>
/// This process's own HTTP address, for <see cref="SimulatorOptions.SelfUrl"/>. The host that serves HTTP registers it,
/// so the simulator needs no web server package; without one, "self" finds no address and decisions stay off.
/// </summary>
public interface ISelfAddress
{
    /// <summary>The first http(s) address the server listens on, once it has started; null when it has none.</summary>
    Uri? Find();
}
