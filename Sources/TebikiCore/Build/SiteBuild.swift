import Foundation
import Yams

/// One `tebiki build` from disk to disk: where the output goes, the build cache beside it,
/// `Builder.build` and `OutputWriter.write`. Shared by `tebiki build` and `tebiki serve`.
public enum SiteBuild {
    public struct Outcome: Sendable {
        /// Warnings (a successful build has no errors).
        public var diagnostics: Diagnostics
        public var pageCount: Int
        public var pagesReused: Int
        public var fileCount: Int
        public var stats: OutputWriter.Stats
        public var output: URL
    }

    /// The output folder: `--output` when given, else `output:` in site.yml, else `_site`,
    /// relative to the source folder.
    public static func outputFolder(root: URL, source: SiteSource, override: String?) -> URL {
        let configured = setting("output", in: source.text("site.yml")) ?? "_site"
        return (override.map { URL(fileURLWithPath: $0, relativeTo: nil) } ?? root.appendingPathComponent(configured)).standardizedFileURL
    }

    /// The output folder for a site on disk, reading only its site.yml.
    public static func outputFolder(root: URL, override: String?) -> URL {
        let config = FileManager.default.contents(atPath: root.appendingPathComponent("site.yml").path)
        return outputFolder(root: root, source: SiteSource(files: config.map { ["site.yml": $0] } ?? [:]), override: override)
    }

    /// A top-level string setting of site.yml, read as YAML (quotes and comments as YAML has
    /// them); nil when site.yml or the key is missing or not a string. Errors in site.yml are
    /// reported by the parse phase, not here.
    static func setting(_ key: String, in text: String?) -> String? {
        guard let text, let node = try? Yams.compose(yaml: text), let mapping = node.mapping,
              let value = mapping[Yams.Node(key)]?.string, !value.isEmpty else { return nil }
        return value
    }

    /// Refuses an output folder that a build must not replace (see `OutputGuard`): checked
    /// before anything is read or written, by `tebiki build` and `tebiki serve`.
    public static func checkOutput(root: URL, override: String?) -> OutputGuard.Refusal? {
        let config = FileManager.default.contents(atPath: root.appendingPathComponent("site.yml").path)
            .map { String(decoding: $0, as: UTF8.self) }
        let output = outputFolder(root: root, override: override)
        let raw = override ?? setting("output", in: config)
        return OutputGuard.check(output: raw, resolved: output, root: root,
                                 readFolders: ["content", setting("theme", in: config) ?? "theme", "site.yml", StaticFiles.folder])
    }

    /// The outcome of a build when nothing changed since the last one, found without reading
    /// the inputs: every input file has the size, times and inode the last build saw (and none
    /// was changed within a second of when that build read it, when equal times could hide an
    /// edit), the tool is the same and the output is as that build left it. Nil when any of
    /// this does not hold; then `run` reads and compares the inputs' bytes.
    public static func unchanged(root: URL, output outputURL: URL, tool: String) -> Outcome? {
        let cacheURL = BuildCache.location(for: outputURL)
        guard let record = BuildCache.loadStatRecord(for: outputURL, tool: tool),
              let state = BuildCache.loadState(from: cacheURL, tool: tool), state.inputs == record.inputs,
              let stats = SiteSource.scan(from: root) else { return nil }
        let newest = stats.values.map { max($0.mtime, $0.ctime) }.max() ?? 0
        guard newest < record.readStarted - 1_000_000_000, BuildCache.statFingerprint(stats) == record.stats,
              BuildCache.outputsIntact(state.outputs, in: outputURL) else { return nil }
        return nothingChanged(state, output: outputURL)
    }

    static func nothingChanged(_ state: BuildCache.State, output: URL) -> Outcome {
        var warnings = Diagnostics()
        for w in state.warnings { warnings.append(w) }
        return Outcome(diagnostics: warnings, pageCount: state.pageCount, pagesReused: state.pageCount,
                       fileCount: state.outputs.count, stats: .init(written: 0, unchanged: state.outputs.count), output: output)
    }

    /// Records the stat of the inputs just built from, for `unchanged`.
    static func recordStats(_ source: SiteSource, inputs: String, output: URL, tool: String) {
        guard !source.stats.isEmpty else { return }
        let record = BuildCache.StatRecord(inputs: inputs, stats: BuildCache.statFingerprint(source.stats), readStarted: source.readStarted)
        try? BuildCache.saveStatRecord(record, for: output, tool: tool)
    }

    /// Builds `source` into `output`. Throws `ContentErrors` (nothing written) when the content
    /// has errors, or the file system's error when writing failed (the previous output stays).
    /// `tool` identifies this binary for the build cache.
    /// `drafts`: include pages with `draft: true` (the caller makes `tool` differ too, so a
    /// build with drafts never counts as unchanged from one without).
    public static func run(_ source: SiteSource, output outputURL: URL, noCache: Bool = false, tool: String, drafts: Bool = false,
                           progress: (String) -> Void = { _ in }) throws -> Outcome {
        let cacheURL = BuildCache.location(for: outputURL)
        // Nothing changed (same inputs, same tool, the output as the last build left it):
        // stop here. Rendering, indexing and writing would give the same bytes.
        let inputs = BuildCache.inputFingerprint(source, tool: tool)
        if !noCache, let state = BuildCache.loadState(from: cacheURL, tool: tool), state.inputs == inputs,
           BuildCache.outputsIntact(state.outputs, in: outputURL) {
            recordStats(source, inputs: inputs, output: outputURL, tool: tool)
            return nothingChanged(state, output: outputURL)
        }
        // Without a previous output no page can be reused: the cache (every page's text) is
        // not worth its memory then.
        let previousOutput = FileManager.default.fileExists(atPath: outputURL.path)
        let cache = noCache || !previousOutput ? BuildCache(tool: tool) : BuildCache.load(from: cacheURL, tool: tool)
        // Files are written as they are made (not all held in memory); the output is swapped
        // in only when all are written, else the previous output stays.
        let session = try OutputWriter.Session(output: outputURL)
        let result: Builder.Result
        let stats: OutputWriter.Stats
        do {
            // A page is reused only when its file is still the one the last build wrote (a file
            // edited or replaced by hand is written again).
            let recorded = Dictionary((cache.state?.outputs ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            result = try Builder.build(source, cache: cache, previousExists: { path in
                if let r = recorded[path] { return BuildCache.records([path], in: outputURL)?.first == r }
                return cache.state == nil && FileManager.default.fileExists(atPath: outputURL.appendingPathComponent(path).path)
            }, drafts: drafts, into: session, progress: progress)
            stats = try session.finish()
        } catch {
            session.abort()
            throw error
        }
        var newCache = result.cache
        if let outputs = BuildCache.records(session.paths, in: outputURL) {
            newCache.state = .init(inputs: inputs, pageCount: result.pageCount, outputs: outputs,
                                   warnings: result.diagnostics.items.filter { $0.severity == .warning })
        }
        try? newCache.save(to: cacheURL)
        if newCache.state != nil { recordStats(source, inputs: inputs, output: outputURL, tool: tool) }
        return Outcome(diagnostics: result.diagnostics, pageCount: result.pageCount, pagesReused: result.pagesReused,
                       fileCount: result.fileCount, stats: stats, output: outputURL)
    }
}
