import Foundation

/// Where the build puts each output file as soon as it is made, so that the files need not
/// all be held in memory: `OutputWriter.Session` writes them into the temporary folder,
/// `CollectingSink` keeps them (tests, `Builder.build` without a sink). Called from several
/// threads at once.
public protocol OutputSink: AnyObject, Sendable {
    func put(_ file: OutputFile) throws
}

/// Keeps every file in memory.
public final class CollectingSink: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [OutputFile] = []

    public init() {}

    public func put(_ file: OutputFile) throws {
        lock.lock(); defer { lock.unlock() }
        collected.append(file)
    }

    /// The files in path order.
    public var files: [OutputFile] {
        lock.lock(); defer { lock.unlock() }
        return collected.sorted { $0.path < $1.path }
    }
}
