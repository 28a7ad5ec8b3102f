import Foundation

/// The build pipeline, readable top to bottom: load → parse → validate → model → render →
/// index → write. Each phase lives in its own folder; this file only orders them.
public enum Builder {
    public struct Result: Sendable {
        /// Every output file, in path order (empty when the build wrote into a sink).
        public var files: [OutputFile]
        /// Warnings (a successful build has no errors).
        public var diagnostics: Diagnostics
        public var pageCount: Int
        /// Pages not rendered because their inputs did not change.
        public var pagesReused: Int
        /// Number of output files.
        public var fileCount: Int
        /// The cache to store for the next build.
        public var cache: BuildCache
    }

    /// Parse and validate only (`tebiki check`).
    public static func check(_ source: SiteSource, drafts: Bool = false, progress: (String) -> Void = { _ in }) -> Diagnostics {
        var diagnostics = Diagnostics()
        progress("読み込み")
        guard var parsed = ParsePhase.run(source, diagnostics: &diagnostics) else { return diagnostics }
        let left = leaveOutDrafts(&parsed, keep: drafts)
        progress("検証")
        diagnostics.append(contentsOf: Validator.validate(parsed, drafts: left, labels: .of(source, themeFolder: parsed.themeFolder)))
        progress("テーマの確認")
        if let theme = Theme.load(folder: parsed.themeFolder, source: source, diagnostics: &diagnostics) {
            let statics = StaticFiles.collect(source)
            theme.checkReferences(parsed.config, staticFiles: statics.map(\.output), diagnostics: &diagnostics)
            let renderer = PageRenderer(model: SiteModel(parsed), theme: theme)
            let generated = renderer.jobs().map(\.path) + theme.assets.map(\.path)
            StaticFiles.checkConflicts(statics, generated: generated, diagnostics: &diagnostics)
            ContentFiles.checkConflicts(ContentFiles.collect(parsed), statics: statics, generated: generated,
                                        site: parsed, diagnostics: &diagnostics)
        }
        return diagnostics
    }

    /// Builds every output file in memory. Throws `ContentErrors` with all diagnostics when
    /// the content has errors; nothing is written in that case.
    /// With a cache from the previous build, a page whose fingerprint is unchanged and whose
    /// previous output still exists (`previousExists`) is not rendered.
    public static func build(_ source: SiteSource, cache: BuildCache = BuildCache(), previousExists: (String) -> Bool = { _ in false },
                             drafts: Bool = false, progress: (String) -> Void = { _ in }) throws -> Result {
        let sink = CollectingSink()
        var result = try build(source, cache: cache, previousExists: previousExists, drafts: drafts, into: sink, progress: progress)
        result.files = sink.files
        return result
    }

    /// Builds the site and hands every file to `sink` as soon as it is made (from several
    /// threads), so that the files need not all be in memory at once. Content errors are all
    /// known before the first file is made: then `ContentErrors` is thrown and the sink gets
    /// nothing.
    public static func build(_ source: SiteSource, cache: BuildCache = BuildCache(), previousExists: (String) -> Bool = { _ in false },
                             drafts: Bool = false, into sink: OutputSink, progress: (String) -> Void = { _ in }) throws -> Result {
        var diagnostics = Diagnostics()
        progress("読み込み")
        guard var parsed = ParsePhase.run(source, diagnostics: &diagnostics) else { throw ContentErrors(diagnostics: diagnostics) }
        progress("検証")
        let left = leaveOutDrafts(&parsed, keep: drafts)
        diagnostics.append(contentsOf: Validator.validate(parsed, drafts: left, labels: .of(source, themeFolder: parsed.themeFolder)))
        let theme = Theme.load(folder: parsed.themeFolder, source: source, diagnostics: &diagnostics)
        let statics = StaticFiles.collect(source)
        theme?.checkReferences(parsed.config, staticFiles: statics.map(\.output), diagnostics: &diagnostics)
        guard !diagnostics.hasErrors, let theme else { throw ContentErrors(diagnostics: diagnostics) }

        let model = SiteModel(parsed)
        progress("ページの生成")
        let renderer = PageRenderer(model: model, theme: theme)
        let jobs = renderer.jobs()
        let generated = jobs.map(\.path) + theme.assets.map(\.path)
        StaticFiles.checkConflicts(statics, generated: generated, diagnostics: &diagnostics)
        let copies = ContentFiles.collect(parsed)
        ContentFiles.checkConflicts(copies, statics: statics, generated: generated, site: parsed, diagnostics: &diagnostics)
        guard !diagnostics.hasErrors else { throw ContentErrors(diagnostics: diagnostics) }
        var newCache = BuildCache(tool: cache.tool)
        let counter = FileCounter()
        let counted = CountingSink(sink, counter)
        // The data files that need no rendered page go into the same pool as the pages, first
        // (the OSCAL catalog is the longest single piece of work), so both cores stay busy.
        let dataFiles: [() throws -> Void] = [
            { try counted.put(OutputFile(path: "exports/oscal/catalog.json", data: try OSCALExport.catalog(model, words: theme.strings))) },
            {
                try counted.put(OutputFile(path: "data/catalog.json", data: try Indexer.catalog(model)))
                let lookup = try Indexer.lookup(model)
                try counted.put(OutputFile(path: "data/lookup.js", data: Indexer.script(global: "TEBIKI_LOOKUP", json: lookup)))
            },
            {
                for s in model.scenarios {
                    try counted.put(OutputFile(path: "exports/oscal/profiles/\(s.id).json", data: try OSCALExport.profile(s, model: model)))
                }
            },
            {
                for c in model.checklists {
                    let header = ["csv_no", "csv_item", "csv_basis", "csv_result", "csv_notes"].map { theme.strings[$0] }
                    let rows = [header] + renderer.checklistRows(c).map { row in
                        // 根拠: the rule's title and the section, never its raw ID.
                        [String(row.no), row.text, [row.requirement?.title ?? "", row.basis].filter { !$0.isEmpty }.joined(separator: " "), "", ""]
                    }
                    try counted.put(OutputFile(path: "checklists/\(c.id).csv", data: CSV.encode(rows)))
                }
                try counted.put(OutputFile(path: "changes/feed.xml", data: Feed.atom(model, renderer: renderer)))
                for asset in theme.assets { try counted.put(OutputFile(path: asset.path, data: asset.data)) }
                for file in statics { try counted.put(OutputFile(path: file.output, data: source.files[file.path] ?? Data())) }
                for file in copies { try counted.put(OutputFile(path: file.output, data: source.files[file.path] ?? Data())) }
                if let base = model.config.baseURL {
                    try counted.put(OutputFile(path: "sitemap.xml", data: Sitemap.xml(jobs, baseURL: base)))
                }
                if !model.config.colors.isEmpty {
                    try counted.put(OutputFile(path: PageRenderer.coloursPath, data: PageRenderer.coloursCSS(model.config.colors)))
                }
            },
        ]
        // Each page goes to the sink as soon as it is rendered; only its cache entry is kept.
        let rendered = parallelMap(Array(0..<(dataFiles.count + jobs.count))) { i -> Swift.Result<(entry: BuildCache.Entry, reused: Bool)?, Error> in
            Swift.Result {
                if i < dataFiles.count { try dataFiles[i](); return nil }
                let job = jobs[i - dataFiles.count]
                let (context, fingerprint) = renderer.prepare(job)
                if let old = cache.entries[job.path], old.fingerprint == fingerprint, previousExists(job.path) {
                    try sink.put(OutputFile(path: job.path, data: Data(), reusePrevious: true))
                    return (old, true)
                }
                let (file, plain) = renderer.render(job, context: context)
                try sink.put(file)
                return (BuildCache.Entry(fingerprint: fingerprint, plainText: plain), false)
            }
        }
        var reused = 0
        for r in rendered.prefix(dataFiles.count) { _ = try r.get() }
        for (job, r) in zip(jobs, rendered.dropFirst(dataFiles.count)) {
            guard let value = try r.get() else { continue }
            newCache.entries[job.path] = value.entry
            if value.reused { reused += 1 }
        }
        counter.add(jobs.count)

        progress("索引の作成")
        let contentPages = model.requirements + model.glossary + model.checklists + model.scenarios
        let plainTexts = Dictionary(contentPages.map { ($0.id, newCache.entries[SiteModel.url(of: $0)]?.plainText ?? "") },
                                    uniquingKeysWith: { a, _ in a })
        // The search index spreads its own work over the cores.
        try Indexer.searchFiles(model, plainTexts: plainTexts, listSeparator: theme.strings["list_separator"], into: counted)
        progress("出力の準備")
        return Result(files: [], diagnostics: diagnostics, pageCount: jobs.count, pagesReused: reused,
                      fileCount: counter.value, cache: newCache)
    }

    /// Removes the pages with `draft: true` unless `keep`; returns the removed ones (ID → path).
    static func leaveOutDrafts(_ parsed: inout ParsedSite, keep: Bool) -> [String: String] {
        guard !keep else { return [:] }
        var left: [String: String] = [:]
        for page in parsed.pages where page.draft && !page.id.isEmpty { left[page.id] = page.path }
        if !left.isEmpty { parsed.pages.removeAll { $0.draft } }
        return left
    }

    /// Counts the files put through it.
    final class FileCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    final class CountingSink: OutputSink, @unchecked Sendable {
        let base: OutputSink
        let counter: FileCounter
        init(_ base: OutputSink, _ counter: FileCounter) { self.base = base; self.counter = counter }
        func put(_ file: OutputFile) throws {
            try base.put(file)
            counter.add(1)
        }
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
