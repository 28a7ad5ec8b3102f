/// How much a command says besides its result (`-q/--quiet`, `-v/--verbose` on every subcommand,
/// as with Hugo and MkDocs): quiet leaves only errors and what was asked for (a diff, a draft);
/// verbose adds timings and details.
public enum Verbosity: Sendable, Equatable {
    case quiet, normal, verbose

    /// Whether a diagnostic is shown: with `-q` only errors.
    public func shows(_ d: Diagnostic) -> Bool { self != .quiet || d.severity == .error }
}
