import Foundation

/// The build pipeline, readable top to bottom: load → parse → validate → model → render →
/// index → write. Each phase lives in its own folder; this file only orders them.
public enum Builder {
    public struct Result: Sendable {
        public var files: [OutputFile]
        /// Warnings (a successful build has no errors).
        public var diagnostics: Diagnostics
        public var pageCount: Int
        /// Pages not rendered because their inputs did not change.
        public var pagesReused: Int
        /// The cache to store for the next build.
        public var cache: BuildCache
    }

    /// Parse and validate only (`tebiki check`).
    public static func check(_ source: SiteSource) -> Diagnostics {
        var diagnostics = Diagnostics()
        guard let parsed = ParsePhase.run(source, diagnostics: &diagnostics) else { return diagnostics }
        diagnostics.append(contentsOf: Validator.validate(parsed))
        _ = Theme.load(folder: parsed.themeFolder, source: source, diagnostics: &diagnostics)
        return diagnostics
    }

    /// Builds every output file in memory. Throws `ContentErrors` with all diagnostics when
    /// the content has errors; nothing is written in that case.
    /// With a cache from the previous build, a page whose fingerprint is unchanged and whose
    /// previous output still exists (`previousExists`) is not rendered.
    public static func build(_ source: SiteSource, cache: BuildCache = BuildCache(), previousExists: (String) -> Bool = { _ in false },
                             progress: (String) -> Void = { _ in }) throws -> Result {
        var diagnostics = Diagnostics()
        progress("読み込み")
        guard let parsed = ParsePhase.run(source, diagnostics: &diagnostics) else { throw ContentErrors(diagnostics: diagnostics) }
        progress("検証")
        diagnostics.append(contentsOf: Validator.validate(parsed))
        let theme = Theme.load(folder: parsed.themeFolder, source: source, diagnostics: &diagnostics)
        guard !diagnostics.hasErrors, let theme else { throw ContentErrors(diagnostics: diagnostics) }

        let model = SiteModel(parsed)
        progress("ページの生成")
        let renderer = PageRenderer(model: model, theme: theme)
        let jobs = renderer.jobs()
        var newCache = BuildCache(tool: cache.tool)
        let rendered = parallelMap(jobs) { job -> (OutputFile, BuildCache.Entry) in
            let (context, fingerprint) = renderer.prepare(job)
            if let old = cache.entries[job.path], old.fingerprint == fingerprint, previousExists(job.path) {
                return (OutputFile(path: job.path, data: Data(), reusePrevious: true), old)
            }
            let (file, plain) = renderer.render(job, context: context)
            return (file, BuildCache.Entry(fingerprint: fingerprint, plainText: plain))
        }
        var files = rendered.map(\.0)
        for (job, r) in zip(jobs, rendered) { newCache.entries[job.path] = r.1 }
        let reused = files.filter(\.reusePrevious).count

        progress("索引の作成")
        let contentPages = model.requirements + model.glossary + model.checklists + model.scenarios
        let plainTexts = Dictionary(contentPages.map { ($0.id, newCache.entries[SiteModel.url(of: $0)]?.plainText ?? "") },
                                    uniquingKeysWith: { a, _ in a })
        files += try Indexer.searchFiles(model, plainTexts: plainTexts)
        files.append(OutputFile(path: "data/catalog.json", data: try Indexer.catalog(model)))
        let lookup = try Indexer.lookup(model)
        files.append(OutputFile(path: "data/lookup.json", data: lookup))
        files.append(OutputFile(path: "data/lookup.js", data: Indexer.script(global: "TEBIKI_LOOKUP", json: lookup)))
        files.append(OutputFile(path: "exports/oscal/catalog.json", data: try OSCALExport.catalog(model)))
        for s in model.scenarios {
            files.append(OutputFile(path: "exports/oscal/profiles/\(s.id).json", data: try OSCALExport.profile(s, model: model)))
        }
        for c in model.checklists {
            let rows = [["No.", "確認事項", "根拠", "結果（適／否／該当なし）", "備考"]] + renderer.checklistRows(c).map { row in
                [String(row.no), row.text, [row.requirement?.id ?? "", row.basis].filter { !$0.isEmpty }.joined(separator: " "), "", ""]
            }
            files.append(OutputFile(path: "checklists/\(c.id).csv", data: CSV.encode(rows)))
        }
        files.append(OutputFile(path: "changes/feed.xml", data: Feed.atom(model, renderer: renderer)))
        files += theme.assets.map { OutputFile(path: $0.path, data: $0.data) }
        progress("出力の準備")
        files.sort { $0.path < $1.path }
        return Result(files: files, diagnostics: diagnostics, pageCount: jobs.count, pagesReused: reused, cache: newCache)
    }

    /// Runs `transform` on every element across the cores; results keep the input order so the
    /// output stays byte-identical from run to run.
    static func parallelMap<T, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
        var results = [U?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: items.count) { i in
                (base + i).pointee = transform(items[i])
            }
        }
        return results.map { $0! }
    }
}
